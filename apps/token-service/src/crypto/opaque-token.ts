import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Codes, refresh tokens, session cookies and client secrets are random strings handed out once
 * and stored only as their SHA-256: with 256 bits of entropy a fast hash is enough (no dictionary
 * to guess from), and the database alone never yields a usable credential.
 */
export function newOpaqueToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function hashOpaqueToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/** Constant-time comparison of two values of any length (hashing first equalises the lengths). */
export function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
}
