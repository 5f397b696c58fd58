import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabaseUrl } from '../../../test/support/test-database';
import { loadLoginUiConfig } from './config/login-ui.config';
import { RunningLoginUi, startLoginUi } from './main';

/** A port nothing listens on: taken from the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('login UI over HTTP', () => {
  let tmp: string;
  let ui: RunningLoginUi;
  let base: string;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'tessera-login-ui-'));
    const config = loadLoginUiConfig({
      DATA_DIR: tmp,
      DATABASE_URL: testDatabaseUrl(tmp),
      TOKEN_SERVICE_INTERNAL_URL: `http://127.0.0.1:${await closedPort()}`,
    });
    ui = await startLoginUi({ ...config, port: 0, host: '127.0.0.1', metricsPort: 0 }, false);
    base = `http://127.0.0.1:${ui.port}`;
  });

  afterAll(async () => {
    await ui?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('serves the home page', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Tessera');
  });

  it('sends the security headers on every page', async () => {
    const res = await fetch(`${base}/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(csp).not.toContain('form-action');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('serves the stylesheet', async () => {
    const res = await fetch(`${base}/static/tessera.css`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/css/);
  });

  it('shows an OAuth error with the description escaped', async () => {
    const res = await fetch(`${base}/error?error=access_denied&error_description=${encodeURIComponent('<script>alert(1)</script>')}`);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('Access was denied');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
  });

  it('cuts a long error description to 300 characters', async () => {
    const res = await fetch(`${base}/error?error=invalid_request&error_description=${'a'.repeat(1000)}`);
    const html = await res.text();
    expect(html).toContain(`${'a'.repeat(300)}…`);
    expect(html).not.toContain('a'.repeat(301));
  });

  it('refuses a sign-in without a CSRF token', async () => {
    const res = await fetch(`${base}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ login_challenge: 'c', username: 'someone', password: 'whatever-it-is' }),
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('This form has expired');
  });

  it('refuses a form with a repeated field', async () => {
    const res = await fetch(`${base}/consent`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'consent_challenge=a&consent_challenge=b',
    });
    expect(res.status).toBe(400);
  });

  it('shows the expired-link page when no challenge is given', async () => {
    const res = await fetch(`${base}/login`);
    expect(res.status).toBe(410);
    expect(await res.text()).toContain('This sign-in link has expired or was already used');
  });

  it('shows a 503 page, not a stack trace, when the token service is unreachable', async () => {
    const res = await fetch(`${base}/login?login_challenge=unknown`);
    expect(res.status).toBe(503);
    const html = await res.text();
    expect(html).toContain('temporarily unavailable');
    expect(html).not.toMatch(/ECONNREFUSED|at .*\.ts:\d+/);
  });

  it('answers an unknown path with a 404 page', async () => {
    const res = await fetch(`${base}/nope`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('Page not found');
  });
});
