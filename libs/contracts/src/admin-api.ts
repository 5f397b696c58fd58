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

// ---- Token service resources (`{TOKEN_SERVICE_INTERNAL_URL}/admin/api/v1/…`). Instants are epoch
// milliseconds; member names follow RFC 7591 where a client's metadata is concerned.

/**
 * A client: `GET /clients?q=&limit=&cursor=` (q matches a client_id or client_name prefix; ordered by
 * name), `GET /clients/{id}`, `POST /clients` (RFC 7591 metadata plus `first_party` and `scope`),
 * `PATCH /clients/{id}` (`redirect_uris`, `post_logout_redirect_uris`, `grant_types`, `client_name`,
 * `first_party`, `scope`; `scope: null` restores the default), `POST /clients/{id}/secret` (rotate),
 * `DELETE /clients/{id}` (204; its grants are revoked).
 */
export interface AdminClient {
  client_id: string;
  client_name: string;
  client_uri?: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: string;
  /** The scopes it may obtain, space-separated; null: the OIDC scopes `openid profile email offline_access`. */
  scope: string | null;
  /** Consent is not asked. */
  first_party: boolean;
  backchannel_logout_uri?: string;
  backchannel_logout_session_required?: boolean;
  created_at: number;
}

/** `POST /clients` of a confidential client and `POST /clients/{id}/secret`: the only time the secret is shown. */
export interface AdminClientWithSecret extends AdminClient {
  client_secret: string;
}

/**
 * An initial access token for `POST /oauth2/register` (RFC 7591 §3): `POST /initial-access-tokens`
 * `{ "expires_in": seconds (60–2592000, default 86400), "max_uses": 1–1000 (default 1) }` → 201 with
 * `token` (shown once); `GET /initial-access-tokens` (newest first; never the token);
 * `DELETE /initial-access-tokens/{id}` (204, revoked).
 */
export interface AdminInitialAccessToken {
  id: string;
  state: 'active' | 'expired' | 'used_up' | 'revoked';
  max_uses: number;
  uses_left: number;
  /** Who made it: a person's sub or `client:<client_id>`. */
  created_by: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface AdminInitialAccessTokenCreated extends AdminInitialAccessToken {
  token: string;
}

/**
 * A signing key and its schedule: `GET /keys` (newest first), `POST /keys/rotate` `{ "now": boolean }`
 * (without `now`: publish a next key that activates after the lead time; answers that key),
 * `POST /keys/{kid}/revoke` (emergency: out of the JWKS at once, and every token it signed revoked).
 */
export interface AdminSigningKey {
  kid: string;
  state: 'next' | 'active' | 'retired' | 'removed' | 'revoked';
  created_at: number;
  activated_at: number | null;
  retired_at: number | null;
  revoked_at: number | null;
  /** A next key: when it starts signing. */
  activates_at: number | null;
  /** The active key: when it is replaced. */
  retires_at: number | null;
  /** The active key without a next one: when the next key is published. */
  next_key_published_at: number | null;
  /** A retired key: when it leaves the JWKS. */
  removes_at: number | null;
}

export interface AdminKeyRevocation {
  revoked: AdminSigningKey;
  /** The key that signs from now on. */
  active_kid: string | null;
}

/**
 * An SSO session: `GET /sessions?subject=…` or `?client_id=…` (newest first), `DELETE /sessions/{id}`
 * (204: ended and its grants revoked, like a logout), `POST /sessions/revoke` `{ "subject": … }` (every
 * session and grant of the person).
 */
export interface AdminSession {
  id: string;
  subject: string;
  state: 'active' | 'ended' | 'expired';
  /** The clients that obtained tokens in it. */
  client_ids: string[];
  amr: string[];
  remember: boolean;
  auth_time: number;
  created_at: number;
  expires_at: number;
  ended_at: number | null;
}

/** `POST /sessions/revoke` and the login UI's `POST /internal/v1/subjects/{sub}/revoke`. */
export interface SubjectRevocation {
  sessions_ended: number;
  grants_revoked: number;
}

// ---- Login UI resources (`{LOGIN_UI_URL}/admin/api/v1/…`): the user directory, which the login UI owns.

/**
 * A person in the user directory. Never a password or its hash. Profile claims carry their OIDC Core
 * §5.1 names and are released to partners by the `profile` and `email` scopes; `roles` only into
 * admin access tokens.
 *
 * - `GET /users?q=&disabled=true|false&role=&limit=&cursor=`: `q` matches a username, email or name
 *   prefix in any case (username matches first, then email, then name); otherwise in username order.
 * - `POST /users` (201): `{ username, password | generate: true, roles?, …profile claims }`.
 * - `GET /users/{id}`; `PATCH /users/{id}`: any of `name`, `given_name`, `family_name`, `email`,
 *   `email_verified`, `picture`, `locale`, `zoneinfo` (null clears; a new email is unverified unless
 *   `email_verified` is given). The username cannot be changed.
 * - `PUT /users/{id}/roles` `{ roles: [] }`: known roles only (`admin`).
 * - `POST /users/{id}/disable` (every session and token of the person is revoked; if that cannot be
 *   done now, 503 and the account stays disabled: repeat the call), `POST /users/{id}/enable`.
 * - `POST /users/{id}/password` `{ password }` or `{ generate: true }`: a reset; the old password is
 *   neither needed nor shown. The lockout is cleared too.
 * - `POST /users/{id}/unlock`: clears the lockout's failures and wait.
 */
export interface AdminUser {
  /** The `sub` claim. */
  id: string;
  username: string;
  name: string | null;
  given_name: string | null;
  family_name: string | null;
  email: string | null;
  email_verified: boolean;
  picture: string | null;
  locale: string | null;
  zoneinfo: string | null;
  roles: string[];
  disabled: boolean;
  /** Sign-in failures counted since the last success, reset or unlock. */
  failed_sign_ins: number;
  /** Until then no password is checked for the account (lockout); null when it is not locked. */
  locked_until: number | null;
  created_at: number;
  /** The last change to the profile claims (OIDC `updated_at`, here in milliseconds). */
  updated_at: number;
}

/** `POST /users` and `POST /users/{id}/password` with `generate: true`: the only time the password is shown. */
export interface AdminUserWithPassword extends AdminUser {
  generated_password: string;
}
