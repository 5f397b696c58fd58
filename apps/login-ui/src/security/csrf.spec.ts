import { csrfToken, isValidCsrfToken, newCsrfCookieValue } from './csrf';

describe('CSRF tokens', () => {
  const secret = 'x'.repeat(43);
  const cookie = newCsrfCookieValue();
  const token = csrfToken(secret, cookie);

  it('accept the token made for the cookie', () => {
    expect(isValidCsrfToken(secret, cookie, token)).toBe(true);
  });

  it('refuse a token made for another cookie', () => {
    expect(isValidCsrfToken(secret, newCsrfCookieValue(), token)).toBe(false);
  });

  it('refuse a missing token or cookie', () => {
    expect(isValidCsrfToken(secret, cookie, undefined)).toBe(false);
    expect(isValidCsrfToken(secret, cookie, '')).toBe(false);
    expect(isValidCsrfToken(secret, undefined, token)).toBe(false);
  });

  it('refuse a tampered token', () => {
    const flipped = (token[0] === 'A' ? 'B' : 'A') + token.slice(1);
    expect(isValidCsrfToken(secret, cookie, flipped)).toBe(false);
    expect(isValidCsrfToken(secret, cookie, token.slice(0, -1))).toBe(false);
    expect(isValidCsrfToken(secret, cookie, [token])).toBe(false);
  });

  it('refuse a token made under another secret', () => {
    expect(isValidCsrfToken(secret, cookie, csrfToken('y'.repeat(43), cookie))).toBe(false);
  });

  it('refuse a cookie that is not one of ours', () => {
    const forged = 'not-a-random-value';
    expect(isValidCsrfToken(secret, forged, csrfToken(secret, forged))).toBe(false);
  });
});
