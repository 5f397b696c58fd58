import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { loadLoginUiConfig } from './login-ui.config';

describe('loadLoginUiConfig', () => {
  let dataDir: string;
  beforeEach(() => { dataDir = mkdtempSync(join(tmpdir(), 'tessera-ui-config-')); });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('has working defaults for a development install', () => {
    const config = loadLoginUiConfig({ DATA_DIR: dataDir, NODE_ENV: 'test' });
    expect(config).toMatchObject({
      port: 3001,
      host: undefined,
      // Metrics on their own listener, loopback only unless the operator opens it.
      metricsPort: 3101,
      metricsHost: '127.0.0.1',
      publicUrl: 'http://localhost:3001',
      issuer: 'http://localhost:3000',
      issuerInternalUrl: 'http://localhost:3000',
      tokenServiceInternalUrl: 'http://127.0.0.1:3100',
      secureCookies: false,
      database: { kind: 'sqlite', path: join(process.cwd(), 'data', 'tessera.sqlite') },
    });
    expect(config.loginUiSecret).toHaveLength(43);
  });

  it('defends against brute force by default: Keycloak-like lockout, bounded argon2, 20 sign-ins a minute per address', () => {
    expect(loadLoginUiConfig({ DATA_DIR: dataDir })).toMatchObject({
      lockout: { maxFailures: 30, waitSeconds: 60, maxWaitSeconds: 900, resetSeconds: 43200 },
      argon2: { maxConcurrency: availableParallelism() * 2, maxQueue: 64 },
      rateLimits: { login: { limit: 20, windowSeconds: 60 } },
      trustedProxies: [],
    });
  });

  it('reads the brute-force settings', () => {
    const config = loadLoginUiConfig({
      DATA_DIR: dataDir,
      LOCKOUT_MAX_FAILURES: '5', LOCKOUT_WAIT_SECONDS: '30', LOCKOUT_MAX_WAIT_SECONDS: '600', LOCKOUT_RESET_SECONDS: '3600',
      ARGON2_MAX_CONCURRENCY: '2', ARGON2_MAX_QUEUE: '0',
      RATE_LIMIT_LOGIN: '100/300', TRUSTED_PROXIES: 'loopback,10.0.0.0/8',
    });
    expect(config).toMatchObject({
      lockout: { maxFailures: 5, waitSeconds: 30, maxWaitSeconds: 600, resetSeconds: 3600 },
      argon2: { maxConcurrency: 2, maxQueue: 0 },
      rateLimits: { login: { limit: 100, windowSeconds: 300 } },
      trustedProxies: ['loopback', '10.0.0.0/8'],
    });
  });

  it('lets a longer first wait raise the default cap with it', () => {
    expect(loadLoginUiConfig({ DATA_DIR: dataDir, LOCKOUT_WAIT_SECONDS: '1200' }).lockout).toMatchObject({ waitSeconds: 1200, maxWaitSeconds: 1200 });
  });

  it('turns the per-address limit off on request', () => {
    expect(loadLoginUiConfig({ DATA_DIR: dataDir, RATE_LIMIT_ENABLED: 'false' }).rateLimits.login).toBeUndefined();
    expect(loadLoginUiConfig({ DATA_DIR: dataDir, RATE_LIMIT_LOGIN: 'off' }).rateLimits.login).toBeUndefined();
  });

  it('asks for passwords of 12 characters unless PASSWORD_MIN_LENGTH says otherwise (at least 8)', () => {
    expect(loadLoginUiConfig({ DATA_DIR: dataDir }).passwordMinLength).toBe(12);
    expect(loadLoginUiConfig({ DATA_DIR: dataDir, PASSWORD_MIN_LENGTH: '8' }).passwordMinLength).toBe(8);
  });

  it('reaches the issuer at ISSUER_INTERNAL_URL, an origin, without touching ISSUER; at ISSUER\'s origin by default', () => {
    expect(loadLoginUiConfig({ DATA_DIR: dataDir, ISSUER: 'https://id.example.com', ISSUER_INTERNAL_URL: 'http://proxy:3000/' }))
      .toMatchObject({ issuer: 'https://id.example.com', issuerInternalUrl: 'http://proxy:3000' });
    expect(loadLoginUiConfig({ DATA_DIR: dataDir, ISSUER: 'https://example.com/tessera' }).issuerInternalUrl).toBe('https://example.com');
    expect(() => loadLoginUiConfig({ DATA_DIR: dataDir, ISSUER_INTERNAL_URL: 'http://proxy:3000/tessera' }))
      .toThrow(/^ISSUER_INTERNAL_URL: must be an origin/);
  });

  it('uses Secure cookies behind an https URL', () => {
    expect(loadLoginUiConfig({ DATA_DIR: dataDir, LOGIN_UI_URL: 'https://login.example.com/' }))
      .toMatchObject({ publicUrl: 'https://login.example.com', secureCookies: true });
  });

  it.each([
    ['LOGIN_UI_PORT', 'http'],
    ['LOGIN_UI_URL', 'ftp://x'],
    ['TOKEN_SERVICE_INTERNAL_URL', 'not a url'],
    ['ISSUER_INTERNAL_URL', 'proxy:3000'],
    ['ISSUER_INTERNAL_URL', 'http://proxy:3000/?x=1'],
    ['LOGIN_UI_SECRET', 'short'],
    ['LOCKOUT_MAX_FAILURES', '0'],
    ['LOCKOUT_WAIT_SECONDS', '0'],
    ['LOCKOUT_RESET_SECONDS', '10'],
    ['ARGON2_MAX_CONCURRENCY', '0'],
    ['ARGON2_MAX_QUEUE', '-1'],
    ['RATE_LIMIT_LOGIN', '20 per minute'],
    ['TRUSTED_PROXIES', '*'],
    ['LOGIN_UI_METRICS_PORT', '65536'],
    ['LOGIN_UI_METRICS_PORT', 'metrics'],
    ['PASSWORD_MIN_LENGTH', '7'],
    ['PASSWORD_MIN_LENGTH', '65'],
  ])('refuses a bad %s, naming it', (name, value) => {
    expect(() => loadLoginUiConfig({ DATA_DIR: dataDir, [name]: value })).toThrow(new RegExp(`^${name}: `));
  });

  it('refuses a cap shorter than the first wait', () => {
    expect(() => loadLoginUiConfig({ DATA_DIR: dataDir, LOCKOUT_WAIT_SECONDS: '120', LOCKOUT_MAX_WAIT_SECONDS: '60' }))
      .toThrow(/^LOCKOUT_MAX_WAIT_SECONDS: must be at least LOCKOUT_WAIT_SECONDS/);
  });

  it('requires the secrets in production', () => {
    expect(() => loadLoginUiConfig({ DATA_DIR: dataDir, NODE_ENV: 'production' })).toThrow(/INTERNAL_API_SECRET: is required/);
  });
});

describe('loadLoginUiConfig: transport', () => {
  it.each(['LOGIN_UI_URL', 'ISSUER'])('refuses a plain-http %s in production unless ALLOW_INSECURE_HTTP=true', (name) => {
    const env = { NODE_ENV: 'production', DATA_DIR: '/nonexistent-never-written', ISSUER: 'https://id.example.com', LOGIN_UI_URL: 'https://login.example.com', [name]: 'http://public.example.com' };
    expect(() => loadLoginUiConfig(env)).toThrow(new RegExp(`^${name}: must be an https URL`));
    expect(() => loadLoginUiConfig({ ...env, ALLOW_INSECURE_HTTP: 'true' })).toThrow(/^INTERNAL_API_SECRET: is required/);
  });

  it('takes a plain-http ISSUER_INTERNAL_URL in production: it is inside the network, like TOKEN_SERVICE_INTERNAL_URL', () => {
    const env = { NODE_ENV: 'production', DATA_DIR: '/nonexistent-never-written', ISSUER: 'https://id.example.com', LOGIN_UI_URL: 'https://login.example.com', ISSUER_INTERNAL_URL: 'http://proxy:3000' };
    expect(() => loadLoginUiConfig(env)).toThrow(/^INTERNAL_API_SECRET: is required/);
  });
});
