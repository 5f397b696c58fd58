import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTokenServiceConfig } from './token-service.config';

describe('loadTokenServiceConfig: abuse limits', () => {
  let dataDir: string;
  const env = (extra: Record<string, string> = {}) => ({
    DATA_DIR: dataDir,
    KEY_ENCRYPTION_SECRET: randomBytes(32).toString('base64url'),
    INTERNAL_API_SECRET: randomBytes(32).toString('base64url'),
    ...extra,
  });
  beforeEach(() => { dataDir = mkdtempSync(join(tmpdir(), 'tessera-ts-config-')); });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('has generous per-address limits and trusts no proxy by default', () => {
    expect(loadTokenServiceConfig(env())).toMatchObject({
      rateLimits: {
        token: { limit: 6000, windowSeconds: 60 },
        register: { limit: 300, windowSeconds: 60 },
        introspect: { limit: 6000, windowSeconds: 60 },
      },
      trustedProxies: [],
    });
  });

  it('reads a limit per route, and switches them all off with RATE_LIMIT_ENABLED=false', () => {
    const config = loadTokenServiceConfig(env({ RATE_LIMIT_TOKEN: '10/1', RATE_LIMIT_REGISTER: 'off', TRUSTED_PROXIES: '192.0.2.1' }));
    expect(config.rateLimits).toEqual({ token: { limit: 10, windowSeconds: 1 }, register: undefined, introspect: { limit: 6000, windowSeconds: 60 } });
    expect(config.trustedProxies).toEqual(['192.0.2.1']);
    expect(loadTokenServiceConfig(env({ RATE_LIMIT_ENABLED: 'false' })).rateLimits).toEqual({ token: undefined, register: undefined, introspect: undefined });
  });

  it.each([
    ['RATE_LIMIT_TOKEN', '10'],
    ['RATE_LIMIT_INTROSPECT', '0/60'],
    ['TRUSTED_PROXIES', 'proxy.internal'],
  ])('refuses a bad %s, naming it', (name, value) => {
    expect(() => loadTokenServiceConfig(env({ [name]: value }))).toThrow(new RegExp(`^${name}: `));
  });

  it('waits 3 s for back-channel logout deliveries by default, 0 to 30 when set', () => {
    expect(loadTokenServiceConfig(env()).backchannelLogoutWait).toBe(3);
    expect(loadTokenServiceConfig(env({ BACKCHANNEL_LOGOUT_WAIT: '0' })).backchannelLogoutWait).toBe(0);
    expect(loadTokenServiceConfig(env({ BACKCHANNEL_LOGOUT_WAIT: '30' })).backchannelLogoutWait).toBe(30);
    for (const bad of ['31', '-1', 'soon']) {
      expect(() => loadTokenServiceConfig(env({ BACKCHANNEL_LOGOUT_WAIT: bad }))).toThrow(/^BACKCHANNEL_LOGOUT_WAIT: /);
    }
  });
});

describe('loadTokenServiceConfig: transport', () => {
  const production = (extra: Record<string, string>) => ({ NODE_ENV: 'production', DATA_DIR: '/nonexistent-never-written', ...extra });

  it.each(['ISSUER', 'LOGIN_UI_URL'])('refuses a plain-http %s in production before touching any secret', (name) => {
    const env = production({ ISSUER: 'https://id.example.com', LOGIN_UI_URL: 'https://login.example.com', [name]: 'http://public.example.com' });
    expect(() => loadTokenServiceConfig(env)).toThrow(new RegExp(`^${name}: must be an https URL`));
    expect(() => loadTokenServiceConfig({ ...env, ALLOW_INSECURE_HTTP: 'true' })).toThrow(/^KEY_ENCRYPTION_SECRET: is required/);
  });

  it('uses Secure cookies once the issuer is https', () => {
    const config = loadTokenServiceConfig({
      ISSUER: 'https://id.example.com', KEY_ENCRYPTION_SECRET: 'k'.repeat(40), INTERNAL_API_SECRET: 'i'.repeat(40),
    });
    expect(config.secureCookies).toBe(true);
  });
});
