import type { AdminClient } from '@tessera/contracts';
import { clientChanges, clientFieldOf, clientFormOf, clientFormView, newClientBody, readClientForm } from './client-form.rule';

const CLIENT: AdminClient = {
  client_id: 'c1', client_name: 'Shop', redirect_uris: ['https://shop.example/cb'], post_logout_redirect_uris: [],
  grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic',
  scope: null, first_party: false, created_at: 1_700_000_000_000,
};

describe('the client form', () => {
  it('reads what was typed and ticked', () => {
    expect(readClientForm({
      client_name: '  Shop ', redirect_uris: 'https://shop.example/cb\n', post_logout_redirect_uris: '', grant_authorization_code: 'on',
      grant_client_credentials: 'on', token_endpoint_auth_method: 'client_secret_post', scope: ' openid tessera:admin ', first_party: 'on',
    })).toEqual({
      client_name: 'Shop', redirect_uris: 'https://shop.example/cb\n', post_logout_redirect_uris: '', grant_types: ['authorization_code', 'client_credentials'],
      token_endpoint_auth_method: 'client_secret_post', scope: 'openid tessera:admin', first_party: true,
    });
  });

  it('makes the body of a new client, leaving an empty name and scope to the API defaults', () => {
    const form = readClientForm({ redirect_uris: 'https://a.example/cb\nhttps://b.example/cb', grant_authorization_code: 'on', token_endpoint_auth_method: 'none' });
    expect(newClientBody(form)).toEqual({
      redirect_uris: ['https://a.example/cb', 'https://b.example/cb'], post_logout_redirect_uris: [], grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'none', first_party: false,
    });
    expect(newClientBody({ ...form, client_name: 'A', scope: 'openid tessera:admin' })).toMatchObject({ client_name: 'A', scope: 'openid tessera:admin' });
  });

  it('sends no grant type when none is ticked, for the API to refuse beside the boxes', () => {
    expect(newClientBody(readClientForm({ redirect_uris: 'https://a.example/cb' })).grant_types).toEqual([]);
  });

  it.each<[string, Partial<ReturnType<typeof clientFormOf>>, Record<string, unknown>]>([
    ['nothing', {}, {}],
    ['the name', { client_name: 'Shop 2' }, { client_name: 'Shop 2' }],
    ['a redirect URI added', { redirect_uris: 'https://shop.example/cb\r\nhttps://shop.example/cb2' }, { redirect_uris: ['https://shop.example/cb', 'https://shop.example/cb2'] }],
    ['only blank lines and spaces', { redirect_uris: ' https://shop.example/cb \n\n' }, {}],
    ['the grant types in another order', { grant_types: ['refresh_token', 'authorization_code'] }, {}],
    ['a grant type removed', { grant_types: ['authorization_code'] }, { grant_types: ['authorization_code'] }],
    ['a scope set', { scope: 'openid tessera:admin' }, { scope: 'openid tessera:admin' }],
    ['first-party', { first_party: true }, { first_party: true }],
    ['a post-logout URI', { post_logout_redirect_uris: 'https://shop.example/' }, { post_logout_redirect_uris: ['https://shop.example/'] }],
  ])('patches only what changed: %s', (_case, edit, expected) => {
    expect(clientChanges({ ...clientFormOf(CLIENT), ...edit }, CLIENT)).toEqual(expected);
  });

  it('restores the default scope when the field is emptied', () => {
    const scoped = { ...CLIENT, scope: 'openid profile' };
    expect(clientChanges({ ...clientFormOf(scoped), scope: '' }, scoped)).toEqual({ scope: null });
  });

  it.each<[string, string | undefined]>([
    ['redirect_uris', 'redirect_uris'], ['redirect_uris[2]', 'redirect_uris'], ['response_types', 'grant_types'], ['grant_types', 'grant_types'],
    ['token_endpoint_auth_method', 'token_endpoint_auth_method'], ['scope', 'scope'], ['first_party', 'first_party'], ['client_name', 'client_name'],
    ['body', undefined], ['software_id', undefined],
  ])('shows a refused %p at %p', (path, field) => {
    expect(clientFieldOf(path)).toBe(field);
  });

  it('ticks and selects the current choices', () => {
    const view = clientFormView(clientFormOf(CLIENT));
    expect(view.grantChoices.map((c) => [c.name, c.checked])).toEqual([
      ['grant_authorization_code', true], ['grant_refresh_token', true], ['grant_client_credentials', false],
    ]);
    expect(view.authMethodChoices.filter((c) => c.selected).map((c) => c.value)).toEqual(['client_secret_basic']);
  });
});
