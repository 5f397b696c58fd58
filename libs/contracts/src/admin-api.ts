/**
 * The admin API: `/admin/api/v1/…`, JSON both ways, for the console and for operators' scripts.
 *
 * Served by the token service on its internal listener (clients, initial access tokens, signing keys,
 * sessions, audit events) and by the login UI (users, which it owns). Every call needs
 * `Authorization: Bearer <access token issued by Tessera>` whose `scope` includes `tessera:admin` and
 * whose `roles` claim includes `admin`: a person's token from the console, or a service client's
 * token from client_credentials.
 */
export const ADMIN_API_PREFIX = '/admin/api/v1';
export const ADMIN_SCOPE = 'tessera:admin';
export const ADMIN_ROLE = 'admin';

/**
 * The admin API is a resource of its own: an access token whose scope includes `tessera:admin` also
 * names it in `aud` (beside the client_id), so a token meant for a partner's API is never accepted
 * here, and the login UI can verify admin tokens with libs/rp by this audience.
 */
export function adminAudience(issuer: string): string {
  return `${issuer}/admin/api`;
}

/**
 * Every error of the admin API has this body, whatever the status:
 * 400 invalid_request (with `fields`), 401 unauthorized (with `WWW-Authenticate: Bearer …`, RFC 6750),
 * 403 forbidden, 404 not_found, 409 conflict, 413 too_large, 429 rate_limited, 503 unavailable,
 * 500 server_error (never the cause).
 */
export interface AdminApiError {
  error: 'invalid_request' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'too_large'
    | 'rate_limited' | 'unavailable' | 'server_error';
  message: string;
  /** Which fields of the body or query were refused, and why (`path` like `redirect_uris[1]`). */
  fields?: { path: string; message: string }[];
}

/**
 * Every list is paged by an opaque cursor: `?limit=` (1–200, default 50) and `?cursor=` from the
 * previous page's `next_cursor`; `next_cursor` is null on the last page.
 */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}
