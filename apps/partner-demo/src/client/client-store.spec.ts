import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStoredClient, StoredClient, writeStoredClient } from './client-store';

const TARGET = {
  issuer: 'https://id.example',
  redirectUri: 'https://demo.example/callback',
  postLogoutRedirectUri: 'https://demo.example/',
  backchannelLogoutUri: 'https://demo.example/backchannel-logout',
  registrationVersion: 2,
};
const CLIENT: StoredClient = { ...TARGET, clientId: 'client-1', clientSecret: 's'.repeat(43) };

describe('the stored client', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'partner-demo-client-'));
    file = join(dir, 'nested', 'partner-demo-client.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips, in a file only its owner can read', () => {
    expect(readStoredClient(file, TARGET)).toEqual({ kind: 'none' });
    writeStoredClient(file, CLIENT);
    expect(readStoredClient(file, TARGET)).toEqual({ kind: 'found', client: CLIENT });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ client_id: 'client-1', redirect_uri: TARGET.redirectUri });
  });

  it.each([
    ['another issuer', { issuer: 'https://other-id.example' }],
    ['another redirect URI', { redirectUri: 'https://demo.example:8443/callback' }],
    ['another post-logout URI', { postLogoutRedirectUri: 'https://demo.example:8443/' }],
    ['another back-channel logout URI', { backchannelLogoutUri: 'https://demo.example:8443/backchannel-logout' }],
    ['a newer registration version', { registrationVersion: 3 }],
  ])('is not reused for %s', (_case, change) => {
    writeStoredClient(file, CLIENT);
    expect(readStoredClient(file, { ...TARGET, ...change })).toEqual({ kind: 'other-target' });
  });

  it('takes a file written before back-channel logout (no version) for another target, not for a broken file', () => {
    writeStoredClient(file, CLIENT); // creates the folder
    writeFileSync(file, JSON.stringify({
      issuer: TARGET.issuer, redirect_uri: TARGET.redirectUri, post_logout_redirect_uri: TARGET.postLogoutRedirectUri,
      client_id: 'client-1', client_secret: 's'.repeat(43),
    }));
    expect(readStoredClient(file, TARGET)).toEqual({ kind: 'other-target' });
  });

  it.each([
    ['not JSON', '{"client_id":'],
    ['a member missing', JSON.stringify({ issuer: TARGET.issuer, redirect_uri: TARGET.redirectUri, client_id: 'x' })],
    ['a member of the wrong type', JSON.stringify({ ...CLIENT, issuer: TARGET.issuer, redirect_uri: TARGET.redirectUri, post_logout_redirect_uri: TARGET.postLogoutRedirectUri, client_id: 7, client_secret: 's' })],
  ])('reports a file with %s as unreadable', (_case, text) => {
    writeStoredClient(file, CLIENT); // creates the folder
    writeFileSync(file, text);
    expect(readStoredClient(file, TARGET).kind).toBe('unreadable');
  });
});
