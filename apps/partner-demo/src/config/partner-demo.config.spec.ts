import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPartnerDemoConfig } from './partner-demo.config';

describe('loadPartnerDemoConfig', () => {
  let dataDir: string;
  const secret = 'p'.repeat(40);

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'partner-demo-config-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('has defaults that match npm start', () => {
    const config = loadPartnerDemoConfig({ DATA_DIR: dataDir, PARTNER_DEMO_SECRET: secret });
    expect(config).toMatchObject({
      publicUrl: 'http://localhost:3002', port: 3002, host: undefined, issuer: 'http://localhost:3000',
      clientFile: join(dataDir, 'partner-demo-client.json'), jwksCacheFile: join(dataDir, 'partner-demo-jwks.json'),
      secureCookies: false, startupTimeoutMs: 60_000, secret,
    });
  });

  it('makes cookies Secure when the demo is served over https', () => {
    expect(loadPartnerDemoConfig({ DATA_DIR: dataDir, PARTNER_DEMO_SECRET: secret, PARTNER_DEMO_URL: 'https://demo.example/' }))
      .toMatchObject({ publicUrl: 'https://demo.example', secureCookies: true });
  });

  it.each([
    [{ PARTNER_DEMO_URL: 'https://demo.example/app' }, /^PARTNER_DEMO_URL: /],
    [{ ISSUER: 'http://id.example.com' }, /^ISSUER: must use https/],
    [{ PARTNER_DEMO_PORT: '0' }, /^PARTNER_DEMO_PORT: /],
    [{ PARTNER_DEMO_CLIENT_SECRET: 'a-secret' }, /^PARTNER_DEMO_CLIENT_SECRET: is set without PARTNER_DEMO_CLIENT_ID/],
    [{ PARTNER_DEMO_SECRET: 'short' }, /^PARTNER_DEMO_SECRET: must be at least 32/],
    [{ PARTNER_DEMO_SECRET: undefined, NODE_ENV: 'production' }, /^PARTNER_DEMO_SECRET: is required/],
  ])('stops on %p with a message naming the variable', (env, message) => {
    expect(() => loadPartnerDemoConfig({ DATA_DIR: dataDir, PARTNER_DEMO_SECRET: secret, ...env })).toThrow(message);
  });

  it('adds a development PARTNER_DEMO_SECRET to an existing dev-secrets.json, keeping the other secrets', () => {
    const file = join(dataDir, 'dev-secrets.json');
    const existing = { KEY_ENCRYPTION_SECRET: 'k'.repeat(43), INTERNAL_API_SECRET: 'i'.repeat(43), LOGIN_UI_SECRET: 'l'.repeat(43) };
    writeFileSync(file, JSON.stringify(existing));
    const warnings: string[] = [];
    const first = loadPartnerDemoConfig({ DATA_DIR: dataDir }, (m) => warnings.push(m));
    expect(first.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ ...existing, PARTNER_DEMO_SECRET: first.secret });
    expect(loadPartnerDemoConfig({ DATA_DIR: dataDir }).secret).toBe(first.secret);
    expect(warnings.join('\n')).toMatch(/PARTNER_DEMO_SECRET is not set/);
    expect(warnings.join('\n')).not.toContain(first.secret);
  });
});

describe('loadPartnerDemoConfig: transport', () => {
  it('refuses a plain-http PARTNER_DEMO_URL in production unless ALLOW_INSECURE_HTTP=true', () => {
    const env = { NODE_ENV: 'production', DATA_DIR: '/nonexistent-never-written', ISSUER: 'https://id.example.com', PARTNER_DEMO_URL: 'http://demo.example.com' };
    expect(() => loadPartnerDemoConfig(env)).toThrow(/^PARTNER_DEMO_URL: must be an https URL/);
    expect(() => loadPartnerDemoConfig({ ...env, ALLOW_INSECURE_HTTP: 'true' })).toThrow(/^PARTNER_DEMO_SECRET: is required/);
  });
});
