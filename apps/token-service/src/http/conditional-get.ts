import { createHash } from 'node:crypto';

/** A strong entity tag for a body that is computed once: the base64url SHA-256 of its bytes. */
export function etagOf(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url')}"`;
}

/**
 * Whether `If-None-Match` names the current representation, so the answer is 304 without a body.
 * GET and HEAD use the weak comparison (RFC 9110 §13.1.2): a `W/` prefix does not matter.
 */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}
