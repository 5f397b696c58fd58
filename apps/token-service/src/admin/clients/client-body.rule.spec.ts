import { Client } from '../../clients/client.entity';
import { AdminApiException } from '../admin-api-error';
import { adminClientView, memberNamedIn, readClientPatch, readNewClient } from './client-body.rule';

const CB = 'https://app.example/cb';
const CURRENT: Client = Object.assign(new Client(), {
  clientId: 'c1', clientSecretHash: 'hash', clientName: 'App', clientUri: null, redirectUris: [CB], postLogoutRedirectUris: [],
  grantTypes: ['authorization_code'], responseTypes: ['code'], tokenEndpointAuthMethod: 'client_secret_basic', firstParty: false,
  scope: null, backchannelLogoutUri: null, backchannelLogoutSessionRequired: false, createdAt: 1_700_000_000_000,
} satisfies Client);

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (err) {
    if (err instanceof AdminApiException) return { status: err.status, fields: err.toJSON().fields?.map((f) => f.path) };
    throw err;
  }
  throw new Error('not refused');
};

describe('admin client bodies', () => {
  it('creates with the registration rules, plus first_party and tessera:admin', () => {
    expect(readNewClient({ client_name: 'Robot', grant_types: ['client_credentials'], scope: 'tessera:admin', first_party: true })).toEqual({
      firstParty: true,
      metadata: expect.objectContaining({ clientName: 'Robot', grantTypes: ['client_credentials'], redirectUris: [], scope: 'tessera:admin' }),
    });
    expect(readNewClient({ redirect_uris: [CB] }).firstParty).toBe(false);
  });

  it.each<[string, unknown, string[]]>([
    ['an insecure redirect URI', { redirect_uris: ['http://app.example/cb'] }, ['redirect_uris']],
    ['a bad post-logout URI', { redirect_uris: [CB], post_logout_redirect_uris: ['nope'] }, ['post_logout_redirect_uris']],
    ['an unknown scope', { redirect_uris: [CB], scope: 'openid root' }, ['scope']],
    ['an unknown member', { redirect_uris: [CB], software_id: 'x' }, ['software_id']],
    ['a first_party that is a string', { redirect_uris: [CB], first_party: 'true' }, ['first_party']],
    ['not an object', 'x', ['body']],
  ])('refuses to create with %s', (_case, body, fields) => {
    expect(refusal(() => readNewClient(body))).toEqual({ status: 400, fields });
  });

  it('patches over the registration and checks the whole again', () => {
    const patched = readClientPatch({ grant_types: ['client_credentials'], first_party: true }, CURRENT);
    expect(patched).toEqual({
      firstParty: true,
      changed: ['grant_types', 'first_party'],
      metadata: expect.objectContaining({ grantTypes: ['client_credentials'], responseTypes: [], redirectUris: [CB], clientName: 'App' }),
    });
    expect(readClientPatch({ scope: 'openid' }, { ...CURRENT, scope: 'openid profile' }).metadata.scope).toBe('openid');
    expect(readClientPatch({ scope: null }, { ...CURRENT, scope: 'openid profile' }).metadata.scope).toBeUndefined();
    expect(readClientPatch({ client_name: 'New' }, CURRENT).firstParty).toBe(false);
  });

  it.each<[string, unknown, string[]]>([
    ['nothing to change', {}, ['body']],
    ['a member that cannot change', { token_endpoint_auth_method: 'none' }, ['token_endpoint_auth_method']],
    ['a code-flow client without redirect URIs', { redirect_uris: [] }, ['redirect_uris']],
    ['an unknown member beside a valid change', { grant_types: ['client_credentials'], _: 1 }, ['_']],
  ])('refuses to patch with %s', (_case, body, fields) => {
    expect(refusal(() => readClientPatch(body, CURRENT))).toEqual({ status: 400, fields });
  });

  it('refuses client_credentials to a public client on patch too', () => {
    expect(refusal(() => readClientPatch({ grant_types: ['client_credentials'] }, { ...CURRENT, tokenEndpointAuthMethod: 'none' })))
      .toEqual({ status: 400, fields: ['token_endpoint_auth_method'] });
  });

  it.each<[string, string]>([
    ['redirect_uris: a redirect URI must use https', 'redirect_uris'],
    ['post_logout_redirect_uris: not an absolute URI', 'post_logout_redirect_uris'],
    ['client_name must be 1 to 200 characters', 'client_name'],
    ['response_types "code" and grant_types "authorization_code" must be registered together', 'response_types'],
    ['a client with token_endpoint_auth_method "none" cannot use client_credentials', 'token_endpoint_auth_method'],
    ['the client metadata must be a JSON object', 'body'],
  ])('points "%s" at %s', (message, member) => {
    expect(memberNamedIn(message)).toBe(member);
  });

  it('shows a client without its secret hash, and with a new secret only when given one', () => {
    const view = adminClientView(CURRENT);
    expect(view).toMatchObject({
      client_id: 'c1', client_name: 'App', redirect_uris: [CB], post_logout_redirect_uris: [], grant_types: ['authorization_code'],
      response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic', scope: null, first_party: false, created_at: 1_700_000_000_000,
    });
    expect(view).not.toHaveProperty('client_secret');
    expect(view).not.toHaveProperty('client_id_issued_at');
    expect(JSON.stringify(view)).not.toContain('hash');
    expect(adminClientView(CURRENT, 's3cret')).toMatchObject({ client_secret: 's3cret' });
  });
});
