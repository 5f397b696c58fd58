import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
      publicUrl: 'http://localhost:3001',
      issuer: 'http://localhost:3000',
      tokenServiceInternalUrl: 'http://127.0.0.1:3100',
      secureCookies: false,
      database: { kind: 'sqlite', path: join(process.cwd(), 'data', 'tessera.sqlite') },
    });
    expect(config.loginUiSecret).toHaveLength(43);
  });

  it('uses Secure cookies behind an https URL', () => {
    expect(loadLoginUiConfig({ DATA_DIR: dataDir, LOGIN_UI_URL: 'https://login.example.com/' }))
      .toMatchObject({ publicUrl: 'https://login.example.com', secureCookies: true });
  });

  it.each([
    ['LOGIN_UI_PORT', 'http'],
    ['LOGIN_UI_URL', 'ftp://x'],
    ['TOKEN_SERVICE_INTERNAL_URL', 'not a url'],
    ['LOGIN_UI_SECRET', 'short'],
  ])('refuses a bad %s, naming it', (name, value) => {
    expect(() => loadLoginUiConfig({ DATA_DIR: dataDir, [name]: value })).toThrow(new RegExp(`^${name}: `));
  });

  it('requires the secrets in production', () => {
    expect(() => loadLoginUiConfig({ DATA_DIR: dataDir, NODE_ENV: 'production' })).toThrow(/INTERNAL_API_SECRET: is required/);
  });
});
