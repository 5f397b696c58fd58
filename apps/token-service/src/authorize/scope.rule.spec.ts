import { InvalidScope } from '@tessera/contracts';
import { allowedScopes, checkAllowedScope, clientCredentialsScope, coversScope, narrowScope, parseScope } from './scope.rule';

describe('scope (RFC 6749 §3.3)', () => {
  it.each([
    ['openid', ['openid']],
    ['openid  profile', ['openid', 'profile']],
    ['openid openid email', ['openid', 'email']],
    ['openid tessera:admin', ['openid', 'tessera:admin']],
    [undefined, []],
  ])('parses %p', (value, expected) => {
    expect(parseScope(value)).toEqual(expected);
  });

  it.each(['openid admin', 'OPENID', 'openid\tprofile', 'openid,profile'])('refuses %p as invalid_scope', (value) => {
    expect(() => parseScope(value)).toThrow(InvalidScope);
  });

  it('narrows on refresh but never widens (RFC 6749 §6)', () => {
    expect(narrowScope('openid', ['openid', 'email'])).toEqual(['openid']);
    expect(narrowScope(undefined, ['openid', 'email'])).toEqual(['openid', 'email']);
    expect(() => narrowScope('openid profile', ['openid'])).toThrow(/profile/);
  });

  it('says whether a remembered consent covers a request', () => {
    expect(coversScope(['openid', 'profile'], ['openid'])).toBe(true);
    expect(coversScope(['openid'], ['openid', 'offline_access'])).toBe(false);
  });

  it.each<[string | null, string[]]>([
    [null, ['openid', 'profile', 'email', 'offline_access']],
    ['openid tessera:admin', ['openid', 'tessera:admin']],
    ['tessera:admin', ['tessera:admin']],
  ])('a client registered with scope %p may obtain %p', (registered, allowed) => {
    expect(allowedScopes(registered)).toEqual(allowed);
  });

  it.each<[string[], string | null, boolean]>([
    [['openid', 'email'], null, true],
    [['tessera:admin'], null, false],
    [['openid', 'tessera:admin'], 'openid profile tessera:admin', true],
    [['openid', 'email'], 'openid profile tessera:admin', false],
    [[], 'openid', true],
  ])('asking for %p with registered scope %p is allowed: %p', (requested, registered, ok) => {
    const check = () => checkAllowedScope(requested, allowedScopes(registered));
    if (ok) expect(check).not.toThrow();
    else expect(check).toThrow(InvalidScope);
  });

  it.each<[string | undefined, string | null, string[] | 'invalid_scope']>([
    [undefined, 'tessera:admin', []],
    ['', 'tessera:admin', []],
    ['tessera:admin', 'tessera:admin', ['tessera:admin']],
    ['tessera:admin', null, 'invalid_scope'],
    ['tessera:admin', 'openid profile', 'invalid_scope'],
    ['openid', null, 'invalid_scope'],
    ['openid tessera:admin', 'openid tessera:admin', 'invalid_scope'],
    ['api:read', 'tessera:admin', 'invalid_scope'],
  ])('client_credentials asking for %p with registered scope %p gets %p', (requested, registered, expected) => {
    const grant = () => clientCredentialsScope(requested, allowedScopes(registered));
    if (expected === 'invalid_scope') expect(grant).toThrow(InvalidScope);
    else expect(grant()).toEqual(expected);
  });
});
