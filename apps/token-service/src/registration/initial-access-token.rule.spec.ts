import { InvalidToken } from '@tessera/contracts';
import { checkInitialAccessToken } from './initial-access-token.rule';

const TOKEN = 'initial-access-token-0123456789abcdefghij';

describe('checkInitialAccessToken (RFC 7591 §3)', () => {
  it.each([`Bearer ${TOKEN}`, `bearer ${TOKEN}`, `Bearer  ${TOKEN} `])('accepts %p', (header) => {
    expect(() => checkInitialAccessToken(header, TOKEN)).not.toThrow();
  });

  it.each<[string, string | undefined, string | undefined]>([
    ['no header', undefined, TOKEN],
    ['another scheme', `Basic ${TOKEN}`, TOKEN],
    ['a wrong token', 'Bearer wrong', TOKEN],
    ['a longer token that starts with the right one', `Bearer ${TOKEN}x`, TOKEN],
    ['no token configured', `Bearer ${TOKEN}`, undefined],
  ])('refuses %s', (_case, header, configured) => {
    expect(() => checkInitialAccessToken(header, configured)).toThrow(InvalidToken);
  });
});
