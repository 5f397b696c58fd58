import { InvalidClientMetadata, InvalidRedirectUri } from '@tessera/contracts';
import { validateClientMetadata } from './client-metadata.rule';

const APP = 'https://app.example/cb';

describe('validateClientMetadata (RFC 7591 §2)', () => {
  it('fills in the defaults for a minimal registration', () => {
    expect(validateClientMetadata({ redirect_uris: [APP] })).toEqual({
      redirectUris: [APP],
      postLogoutRedirectUris: [],
      grantTypes: ['authorization_code'],
      responseTypes: ['code'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      clientName: 'app.example',
      backchannelLogoutSessionRequired: false,
    });
  });

  it('keeps every member it knows and ignores the ones it does not', () => {
    expect(validateClientMetadata({
      redirect_uris: [APP, 'http://127.0.0.1:8080/cb', APP],
      post_logout_redirect_uris: ['https://app.example/bye'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      client_name: 'Partner App',
      client_uri: 'https://app.example/',
      backchannel_logout_uri: 'https://app.example/backchannel-logout',
      backchannel_logout_session_required: true,
      logo_uri: 'https://app.example/logo.png',
      client_secret: 'chosen-by-the-client',
      contacts: null,
    })).toEqual({
      redirectUris: [APP, 'http://127.0.0.1:8080/cb'],
      postLogoutRedirectUris: ['https://app.example/bye'],
      grantTypes: ['authorization_code', 'refresh_token'],
      responseTypes: ['code'],
      tokenEndpointAuthMethod: 'none',
      clientName: 'Partner App',
      clientUri: 'https://app.example/',
      backchannelLogoutUri: 'https://app.example/backchannel-logout',
      backchannelLogoutSessionRequired: true,
    });
  });

  it('gives a client_credentials-only client no response types', () => {
    expect(validateClientMetadata({ redirect_uris: [APP], grant_types: ['client_credentials'] }))
      .toMatchObject({ grantTypes: ['client_credentials'], responseTypes: [] });
  });

  it.each([
    ['http://localhost/cb'],
    ['http://localhost:4100/cb'],
    ['http://127.0.0.1:65000/cb?x=1'],
    ['http://[::1]:8080/cb'],
    ['https://partner.example:8443/a/b?c=d'],
  ])('accepts the redirect URI %s', (uri) => {
    expect(validateClientMetadata({ redirect_uris: [uri] }).redirectUris).toEqual([uri]);
  });

  it.each<[string, unknown]>([
    ['missing', {}],
    ['null', { redirect_uris: null }],
    ['empty', { redirect_uris: [] }],
    ['more than 20', { redirect_uris: Array.from({ length: 21 }, (_, i) => `https://app.example/${i}`) }],
    ['relative', { redirect_uris: ['/cb'] }],
    ['not a URI', { redirect_uris: ['app.example/cb'] }],
    ['with a fragment', { redirect_uris: ['https://app.example/cb#x'] }],
    ['with an empty fragment', { redirect_uris: ['https://app.example/cb#'] }],
    ['with userinfo', { redirect_uris: ['https://user:pw@app.example/cb'] }],
    ['with an empty userinfo', { redirect_uris: ['https://@app.example/cb'] }],
    ['plain http to a public host', { redirect_uris: ['http://app.example/cb'] }],
    ['plain http to a host that only starts with localhost', { redirect_uris: ['http://localhost.evil.example/cb'] }],
    ['a custom scheme', { redirect_uris: ['com.example.app:/cb'] }],
    ['javascript:', { redirect_uris: ['javascript:alert(1)'] }],
    ['with a space', { redirect_uris: [' https://app.example/cb'] }],
    ['non-ASCII', { redirect_uris: ['https://äpp.example/cb'] }],
    ['longer than 2000 characters', { redirect_uris: [`https://app.example/${'a'.repeat(2000)}`] }],
    ['a bad post-logout URI', { redirect_uris: [APP], post_logout_redirect_uris: ['http://app.example/bye'] }],
  ])('refuses redirect_uris %s with invalid_redirect_uri', (_case, input) => {
    expect(() => validateClientMetadata(input)).toThrow(InvalidRedirectUri);
  });

  it.each<[string, Record<string, unknown>]>([
    ['an https URI', { backchannel_logout_uri: 'https://app.example/bcl' }],
    ['an https URI with a port and a query', { backchannel_logout_uri: 'https://app.example:8443/bcl?tenant=a' }],
    ['plain http to localhost', { backchannel_logout_uri: 'http://localhost:3002/backchannel-logout' }],
    ['plain http to 127.0.0.1', { backchannel_logout_uri: 'http://127.0.0.1:4100/bcl' }],
    ['plain http to [::1]', { backchannel_logout_uri: 'http://[::1]:4100/bcl' }],
    ['sid required', { backchannel_logout_uri: 'https://app.example/bcl', backchannel_logout_session_required: true }],
    ['sid not required', { backchannel_logout_uri: 'https://app.example/bcl', backchannel_logout_session_required: false }],
    ['null members, as absent', { backchannel_logout_uri: null, backchannel_logout_session_required: null }],
  ])('accepts back-channel logout metadata: %s (Back-Channel Logout §2.2)', (_case, members) => {
    const validated = validateClientMetadata({ redirect_uris: [APP], ...members });
    expect(validated.backchannelLogoutUri).toBe(members.backchannel_logout_uri ?? undefined);
    expect(validated.backchannelLogoutSessionRequired).toBe(members.backchannel_logout_session_required ?? false);
  });

  it.each<[string, Record<string, unknown>]>([
    ['with a fragment', { backchannel_logout_uri: 'https://app.example/bcl#x' }],
    ['with an empty fragment', { backchannel_logout_uri: 'https://app.example/bcl#' }],
    ['relative', { backchannel_logout_uri: '/bcl' }],
    ['not a URI', { backchannel_logout_uri: 'app.example/bcl' }],
    ['javascript:', { backchannel_logout_uri: 'javascript:alert(1)' }],
    ['file:', { backchannel_logout_uri: 'file:///etc/passwd' }],
    ['plain http to a public host', { backchannel_logout_uri: 'http://app.example/bcl' }],
    ['plain http to a private address', { backchannel_logout_uri: 'http://10.0.0.5/bcl' }],
    ['plain http to a host that only starts with localhost', { backchannel_logout_uri: 'http://localhost.evil.example/bcl' }],
    ['with userinfo', { backchannel_logout_uri: 'https://user:pw@app.example/bcl' }],
    ['with a space', { backchannel_logout_uri: 'https://app.example/b cl' }],
    ['non-ASCII', { backchannel_logout_uri: 'https://äpp.example/bcl' }],
    ['longer than 2000 characters', { backchannel_logout_uri: `https://app.example/${'a'.repeat(2000)}` }],
    ['an array', { backchannel_logout_uri: ['https://app.example/bcl'] }],
    ['a number', { backchannel_logout_uri: 1 }],
    ['session_required as a string', { backchannel_logout_uri: 'https://app.example/bcl', backchannel_logout_session_required: 'true' }],
    ['session_required as a number', { backchannel_logout_session_required: 1 }],
  ])('refuses backchannel_logout_uri %s with invalid_client_metadata', (_case, members) => {
    expect(() => validateClientMetadata({ redirect_uris: [APP], ...members })).toThrow(InvalidClientMetadata);
  });

  it.each<[string, unknown]>([
    ['a body that is not an object', ['https://app.example/cb']],
    ['a null body', null],
    ['redirect_uris as a string', { redirect_uris: APP }],
    ['redirect_uris with a number', { redirect_uris: [APP, 1] }],
    ['post_logout_redirect_uris as a string', { redirect_uris: [APP], post_logout_redirect_uris: APP }],
    ['an unknown grant type', { redirect_uris: [APP], grant_types: ['password'] }],
    ['the implicit grant', { redirect_uris: [APP], grant_types: ['implicit'], response_types: ['token'] }],
    ['empty grant_types', { redirect_uris: [APP], grant_types: [] }],
    ['grant_types as a string', { redirect_uris: [APP], grant_types: 'authorization_code' }],
    ['an unknown response type', { redirect_uris: [APP], response_types: ['code id_token'] }],
    ['code without authorization_code', { redirect_uris: [APP], grant_types: ['client_credentials'], response_types: ['code'] }],
    ['authorization_code without code', { redirect_uris: [APP], response_types: [] }],
    ['an unknown auth method', { redirect_uris: [APP], token_endpoint_auth_method: 'private_key_jwt' }],
    ['auth method as a number', { redirect_uris: [APP], token_endpoint_auth_method: 1 }],
    ['a public client with client_credentials', { redirect_uris: [APP], grant_types: ['client_credentials'], token_endpoint_auth_method: 'none' }],
    ['client_name as a number', { redirect_uris: [APP], client_name: 42 }],
    ['a blank client_name', { redirect_uris: [APP], client_name: '  ' }],
    ['client_name over 200 characters', { redirect_uris: [APP], client_name: 'x'.repeat(201) }],
    ['client_uri that is not http(s)', { redirect_uris: [APP], client_uri: 'javascript:alert(1)' }],
    ['client_uri that is not a URL', { redirect_uris: [APP], client_uri: 'app.example' }],
    ['client_uri as an object', { redirect_uris: [APP], client_uri: {} }],
  ])('refuses %s with invalid_client_metadata', (_case, input) => {
    expect(() => validateClientMetadata(input)).toThrow(InvalidClientMetadata);
  });
});
