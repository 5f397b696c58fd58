import { OAuthError } from '@tessera/contracts';
import { readClientAndRedirect, validateAuthorizationRequest } from './authorization-request.rule';

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const CLIENT = {
  clientId: 'c1', redirectUri: 'https://p.example/cb',
  grantTypes: ['authorization_code', 'refresh_token'], responseTypes: ['code'],
};
const valid = {
  response_type: 'code', client_id: 'c1', redirect_uri: 'https://p.example/cb', scope: 'openid profile offline_access',
  state: 's', nonce: 'n', code_challenge: CHALLENGE, code_challenge_method: 'S256',
};

function errorOf(params: Record<string, unknown>, client = CLIENT): string | undefined {
  try {
    validateAuthorizationRequest(params, client);
    return undefined;
  } catch (err) {
    return err instanceof OAuthError ? err.error : 'not an OAuthError';
  }
}

describe('authorization request (RFC 6749 §4.1.1, OIDC Core §3.1.2.1)', () => {
  it('reads a complete request', () => {
    const request = validateAuthorizationRequest({ ...valid, prompt: 'login consent', max_age: '600', login_hint: 'ann' }, CLIENT);
    expect(request).toEqual({
      clientId: 'c1', redirectUri: 'https://p.example/cb', scope: ['openid', 'profile', 'offline_access'], state: 's', nonce: 'n',
      codeChallenge: CHALLENGE, prompt: ['login', 'consent'], maxAge: 600, loginHint: 'ann',
    });
  });

  it.each([
    ['response_type token', { response_type: 'token' }, 'unsupported_response_type'],
    ['response_type id_token code', { response_type: 'code id_token' }, 'unsupported_response_type'],
    ['no response_type', { response_type: undefined }, 'invalid_request'],
    ['no scope', { scope: undefined }, 'invalid_request'],
    ['unknown scope', { scope: 'openid admin' }, 'invalid_scope'],
    ['no PKCE', { code_challenge: undefined, code_challenge_method: undefined }, 'invalid_request'],
    ['PKCE plain', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['repeated state', { state: ['a', 'b'] }, 'invalid_request'],
    ['repeated scope', { scope: ['openid', 'openid'] }, 'invalid_request'],
    ['oversized state', { state: 'x'.repeat(1025) }, 'invalid_request'],
    ['oversized nonce', { nonce: 'x'.repeat(513) }, 'invalid_request'],
    ['prompt none with login', { prompt: 'none login' }, 'invalid_request'],
    ['unknown prompt', { prompt: 'select_account' }, 'invalid_request'],
    ['negative max_age', { max_age: '-1' }, 'invalid_request'],
    ['non-numeric max_age', { max_age: '1e3' }, 'invalid_request'],
    ['request object', { request: 'eyJ...' }, 'request_not_supported'],
    ['request_uri', { request_uri: 'https://x' }, 'request_uri_not_supported'],
    ['response_mode fragment', { response_mode: 'fragment' }, 'invalid_request'],
  ])('refuses %s with %s', (_case, change, expected) => {
    expect(errorOf({ ...valid, ...change })).toBe(expected);
  });

  it('refuses a client not registered for the code flow with unauthorized_client', () => {
    expect(errorOf(valid, { ...CLIENT, grantTypes: ['client_credentials'], responseTypes: [] })).toBe('unauthorized_client');
  });

  it('drops offline_access for a client without the refresh_token grant (OIDC Core §11)', () => {
    const request = validateAuthorizationRequest(valid, { ...CLIENT, grantTypes: ['authorization_code'] });
    expect(request.scope).toEqual(['openid', 'profile']);
  });

  it('needs client_id and redirect_uri, each once, before anything can be redirected', () => {
    expect(readClientAndRedirect(valid)).toEqual({ clientId: 'c1', redirectUri: 'https://p.example/cb' });
    expect(() => readClientAndRedirect({ ...valid, redirect_uri: undefined })).toThrow(/redirect_uri is required/);
    expect(() => readClientAndRedirect({ ...valid, client_id: ['c1', 'c2'] })).toThrow(/client_id must be given once/);
  });
});
