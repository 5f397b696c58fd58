import { InvalidToken } from '@tessera/contracts';
import { initialAccessTokenState, isBootstrapToken, presentedInitialAccessToken } from './initial-access-token.rule';

const TOKEN = 'initial-access-token-0123456789abcdefghij';

describe('initial access tokens (RFC 7591 §3)', () => {
  it.each([`Bearer ${TOKEN}`, `bearer ${TOKEN}`, `Bearer  ${TOKEN} `])('reads the bearer token of %p', (header) => {
    expect(presentedInitialAccessToken(header)).toBe(TOKEN);
  });

  it.each<[string, string | undefined]>([
    ['no header', undefined],
    ['another scheme', `Basic ${TOKEN}`],
    ['a token with a space inside', `Bearer ${TOKEN} x`],
    ['an empty token', 'Bearer '],
  ])('refuses %s with invalid_token', (_case, header) => {
    expect(() => presentedInitialAccessToken(header)).toThrow(InvalidToken);
  });

  it.each<[string, string, string | undefined, boolean]>([
    ['the configured token', TOKEN, TOKEN, true],
    ['a wrong token', 'wrong', TOKEN, false],
    ['a longer token that starts with the right one', `${TOKEN}x`, TOKEN, false],
    ['any token when none is configured', TOKEN, undefined, false],
  ])('takes %s as the bootstrap token: %p', (_case, presented, configured, expected) => {
    expect(isBootstrapToken(presented, configured)).toBe(expected);
  });

  const NOW = 1_800_000_000_000;
  it.each<[string, { revokedAt: number | null; expiresAt: number; usesLeft: number }, string]>([
    ['unexpired with uses left', { revokedAt: null, expiresAt: NOW + 1, usesLeft: 1 }, 'active'],
    ['expiring at this very instant', { revokedAt: null, expiresAt: NOW, usesLeft: 1 }, 'expired'],
    ['without uses left', { revokedAt: null, expiresAt: NOW + 1, usesLeft: 0 }, 'used_up'],
    ['revoked, whatever else', { revokedAt: NOW - 1, expiresAt: NOW - 1, usesLeft: 0 }, 'revoked'],
  ])('a stored token %s is %s', (_case, token, state) => {
    expect(initialAccessTokenState(token, NOW)).toBe(state);
  });
});
