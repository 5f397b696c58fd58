import { InvalidScope } from '@tessera/contracts';
import { coversScope, narrowScope, parseScope } from './scope.rule';

describe('scope (RFC 6749 §3.3)', () => {
  it.each([
    ['openid', ['openid']],
    ['openid  profile', ['openid', 'profile']],
    ['openid openid email', ['openid', 'email']],
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
});
