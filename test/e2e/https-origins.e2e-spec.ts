/**
 * With https public URLs (TLS terminated in front of the apps), every app sends HSTS and names its
 * cookies with the `__Host-` prefix, so they are Secure, Path=/ and host-only (RFC 6797,
 * RFC 6265bis §4.1.3.2). The apps themselves listen on plain http on loopback here, as behind a proxy.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLoginUiConfig } from '../../apps/login-ui/src/config/login-ui.config';
import { RunningLoginUi, startLoginUi } from '../../apps/login-ui/src/main';
import { loadPartnerDemoConfig, RunningPartnerDemo, startPartnerDemo } from '../../apps/partner-demo/src/main';
import { loadTokenServiceConfig } from '../../apps/token-service/src/config/token-service.config';
import { RunningTokenService, startTokenService } from '../../apps/token-service/src/main';
import { freePorts } from '../support/free-port';
import { sharedDatabaseUrl, stableSecretFor, testDatabaseUrl } from '../support/test-database';
import { Provider, startProvider } from './harness';

const HSTS = 'max-age=31536000; includeSubDomains';
const secret = () => randomBytes(32).toString('base64url');

/** Each Set-Cookie of a response as name and attributes (lower-cased), values dropped. */
function setCookies(res: Response): { name: string; attributes: string[] }[] {
  return res.headers.getSetCookie().map((header) => {
    const [pair, ...attributes] = header.split(';').map((part) => part.trim());
    return { name: pair.slice(0, pair.indexOf('=')), attributes: attributes.map((a) => a.toLowerCase()) };
  });
}

function expectHostPrefixed(cookies: { name: string; attributes: string[] }[], names: string[]): void {
  expect(cookies.map((c) => c.name).sort()).toEqual(names.map((n) => `__Host-${n}`).sort());
  for (const cookie of cookies) {
    expect(cookie.attributes).toContain('secure');
    expect(cookie.attributes).toContain('path=/');
    expect(cookie.attributes.some((a) => a.startsWith('domain='))).toBe(false);
  }
}

describe('token service and login UI behind https public URLs', () => {
  let tmp: string;
  let tokenService: RunningTokenService;
  let loginUi: RunningLoginUi;
  let env: Record<string, string>;
  const publicBase = () => `http://127.0.0.1:${tokenService.publicPort}`;

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'tessera-https-'));
    const [publicPort, internalPort, loginUiPort] = await freePorts(3);
    const shared = sharedDatabaseUrl();
    env = {
      NODE_ENV: 'production',
      ISSUER: 'https://id.example.test',
      LOGIN_UI_URL: 'https://login.example.test',
      TOKEN_SERVICE_HOST: '127.0.0.1',
      TOKEN_SERVICE_PORT: String(publicPort),
      TOKEN_SERVICE_INTERNAL_HOST: '127.0.0.1',
      TOKEN_SERVICE_INTERNAL_PORT: String(internalPort),
      TOKEN_SERVICE_INTERNAL_URL: `http://127.0.0.1:${internalPort}`,
      LOGIN_UI_HOST: '127.0.0.1',
      LOGIN_UI_PORT: String(loginUiPort),
      LOGIN_UI_METRICS_PORT: '0',
      DATA_DIR: tmp,
      DATABASE_URL: testDatabaseUrl(tmp),
      KEY_ENCRYPTION_SECRET: shared ? stableSecretFor(shared, 'KEY_ENCRYPTION_SECRET') : secret(),
      INTERNAL_API_SECRET: secret(),
      LOGIN_UI_SECRET: secret(),
      INITIAL_ACCESS_TOKEN: secret(),
    };
    tokenService = await startTokenService(loadTokenServiceConfig(env), false);
    loginUi = await startLoginUi(loadLoginUiConfig(env), false);
  });
  afterAll(async () => {
    await Promise.allSettled([loginUi?.close(), tokenService?.close()]);
    await rm(tmp, { recursive: true, force: true });
  });

  it('the token service sends HSTS and sets __Host- cookies at the authorization endpoint', async () => {
    const jwks = await fetch(`${publicBase()}/.well-known/jwks.json`);
    expect(jwks.headers.get('strict-transport-security')).toBe(HSTS);

    const registered = await fetch(`${publicBase()}/oauth2/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${env.INITIAL_ACCESS_TOKEN}` },
      body: JSON.stringify({ redirect_uris: ['https://partner.example/callback'], token_endpoint_auth_method: 'none' }),
    });
    expect(registered.status).toBe(201);
    const { client_id: clientId } = await registered.json() as { client_id: string };
    const authorize = new URL(`${publicBase()}/oauth2/authorize`);
    authorize.search = new URLSearchParams({
      response_type: 'code', client_id: clientId, redirect_uri: 'https://partner.example/callback', scope: 'openid',
      state: 'state-123', nonce: 'nonce-123', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256',
    }).toString();
    const res = await fetch(authorize, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('strict-transport-security')).toBe(HSTS);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin).toBe('https://login.example.test');
    expectHostPrefixed(setCookies(res), ['tessera_ua']);

    // The login UI, reached through its proxy, sets its CSRF cookie the same way.
    const login = await fetch(`http://127.0.0.1:${loginUi.port}${location.pathname}${location.search}`);
    expect(login.status).toBe(200);
    expect(login.headers.get('strict-transport-security')).toBe(HSTS);
    expectHostPrefixed(setCookies(login), ['tessera_ui_csrf']);
  });
});

describe('partner demo behind an https public URL', () => {
  let provider: Provider;
  let demo: RunningPartnerDemo;
  let dataDir: string;

  beforeAll(async () => {
    provider = await startProvider();
    dataDir = await mkdtemp(join(tmpdir(), 'tessera-https-demo-'));
    const [port] = await freePorts(1);
    demo = await startPartnerDemo(loadPartnerDemoConfig({
      ...provider.env,
      PARTNER_DEMO_URL: 'https://demo.example.test',
      PARTNER_DEMO_HOST: '127.0.0.1',
      PARTNER_DEMO_PORT: String(port),
      DATA_DIR: dataDir,
    }), false);
  });
  afterAll(async () => {
    await Promise.allSettled([demo?.close(), provider?.close()]);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('sends HSTS and keeps its sign-in transaction in a __Host- cookie', async () => {
    const res = await fetch(`http://127.0.0.1:${demo.port}/login`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('strict-transport-security')).toBe(HSTS);
    expectHostPrefixed(setCookies(res), ['partner_demo_login']);
  });
});
