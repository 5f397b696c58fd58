import { cookieName } from '@tessera/operations';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Signed double-submit CSRF tokens (OWASP CSRF Prevention Cheat Sheet): the browser holds a random
 * value in an HttpOnly cookie, each form carries HMAC(secret, that value). Another site can make the
 * browser send the cookie but can neither read it nor compute the matching field.
 */
export const CSRF_COOKIE = 'tessera_ui_csrf';

/** The cookie's name on this origin: `__Host-` prefixed over https (Secure, Path=/, no Domain). */
export function csrfCookieName(secure: boolean): string {
  return cookieName(CSRF_COOKIE, secure);
}
export const CSRF_FIELD = '_csrf';

const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;

export function newCsrfCookieValue(): string {
  return randomBytes(32).toString('base64url');
}

export function isCsrfCookieValue(value: unknown): value is string {
  return typeof value === 'string' && COOKIE_VALUE.test(value);
}

export function csrfToken(secret: string, cookieValue: string): string {
  return createHmac('sha256', secret).update(cookieValue).digest('base64url');
}

export function isValidCsrfToken(secret: string, cookieValue: unknown, token: unknown): boolean {
  if (!isCsrfCookieValue(cookieValue) || typeof token !== 'string') return false;
  const expected = Buffer.from(csrfToken(secret, cookieValue));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
