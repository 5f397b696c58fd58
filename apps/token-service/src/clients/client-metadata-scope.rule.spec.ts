import { InvalidClientMetadata, InvalidRedirectUri } from '@tessera/contracts';
import { validateClientMetadata } from './client-metadata.rule';

const APP = 'https://app.example/cb';

describe('validateClientMetadata: scope and service clients (RFC 7591 §2)', () => {
  it.each<[unknown, string | undefined]>([
    [{ redirect_uris: [APP] }, undefined],
    [{ redirect_uris: [APP], scope: 'openid  profile openid' }, 'openid profile'],
    [{ redirect_uris: [APP], scope: null }, undefined],
  ])('reads the allowed scope of %j as %p', (metadata, scope) => {
    expect(validateClientMetadata(metadata).scope).toBe(scope);
  });

  it.each<[string, unknown]>([
    ['an unknown scope', { redirect_uris: [APP], scope: 'openid admin' }],
    ['an empty scope', { redirect_uris: [APP], scope: ' ' }],
    ['a scope that is not a string', { redirect_uris: [APP], scope: ['openid'] }],
    ['tessera:admin, which registration never allows', { redirect_uris: [APP], scope: 'openid tessera:admin' }],
  ])('refuses %s with invalid_client_metadata', (_case, metadata) => {
    expect(() => validateClientMetadata(metadata)).toThrow(InvalidClientMetadata);
  });

  it('allows tessera:admin to an administrator', () => {
    expect(validateClientMetadata({ redirect_uris: [APP], scope: 'tessera:admin' }, { adminScope: true }).scope).toBe('tessera:admin');
  });

  it('takes a client_credentials client without redirect URIs, named by its client_name', () => {
    expect(validateClientMetadata({ client_name: 'Robot', grant_types: ['client_credentials'] }))
      .toMatchObject({ redirectUris: [], responseTypes: [], clientName: 'Robot' });
    expect(() => validateClientMetadata({ grant_types: ['client_credentials'] })).toThrow(InvalidClientMetadata);
    expect(() => validateClientMetadata({ client_name: 'App', grant_types: ['authorization_code', 'client_credentials'] })).toThrow(InvalidRedirectUri);
  });
});
