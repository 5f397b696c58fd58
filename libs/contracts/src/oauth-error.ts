/**
 * The one OAuth/OIDC error type. Each endpoint renders it the way its spec says: JSON per
 * RFC 6749 §5.2 at the token endpoint, a redirect (or an error page) at the authorization endpoint,
 * `WWW-Authenticate` at userinfo (RFC 6750 §3).
 */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly errorDescription: string,
    readonly status: number = 400,
  ) {
    super(`${error}: ${errorDescription}`);
  }

  toJSON(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.errorDescription };
  }
}

// One class per RFC error code, so a caller can throw and test by name.
export class InvalidRequest extends OAuthError {
  constructor(description: string) { super('invalid_request', description); }
}
/** RFC 6749 §5.2: 401 when the client tried to authenticate (the endpoint adds WWW-Authenticate). */
export class InvalidClient extends OAuthError {
  constructor(description = 'client authentication failed') { super('invalid_client', description, 401); }
}
export class InvalidGrant extends OAuthError {
  constructor(description: string) { super('invalid_grant', description); }
}
export class UnauthorizedClient extends OAuthError {
  constructor(description: string) { super('unauthorized_client', description); }
}
export class UnsupportedGrantType extends OAuthError {
  constructor(description: string) { super('unsupported_grant_type', description); }
}
export class UnsupportedResponseType extends OAuthError {
  constructor(description: string) { super('unsupported_response_type', description); }
}
export class InvalidScope extends OAuthError {
  constructor(description: string) { super('invalid_scope', description); }
}
/** OIDC Core §3.1.2.6 */
export class LoginRequired extends OAuthError {
  constructor(description = 'the end-user is not signed in') { super('login_required', description); }
}
export class ConsentRequired extends OAuthError {
  constructor(description = 'the end-user has not consented') { super('consent_required', description); }
}
/** RFC 6750 §3.1 */
export class InvalidToken extends OAuthError {
  constructor(description: string) { super('invalid_token', description, 401); }
}
/** RFC 7591 §3.2.2 */
export class InvalidClientMetadata extends OAuthError {
  constructor(description: string) { super('invalid_client_metadata', description); }
}
export class InvalidRedirectUri extends OAuthError {
  constructor(description: string) { super('invalid_redirect_uri', description); }
}
/**
 * RFC 6749 §4.1.2.1 and §5.2 (registered for the token endpoint in the IANA OAuth Extensions Error
 * Registry): the server cannot handle the request now, e.g. its database is down or a lock timed
 * out. 503 with `Retry-After` (RFC 9110 §10.2.3): the client may try the same request again later.
 *
 * @example
 * ```ts
 * throw new TemporarilyUnavailable('the database is not answering', 5);
 * ```
 */
export class TemporarilyUnavailable extends OAuthError {
  constructor(description = 'the service is temporarily unavailable', readonly retryAfterSeconds = 5) {
    super('temporarily_unavailable', description, 503);
  }
}
/** Anything not meant for the client becomes this; its detail goes to the log, never to the wire. */
export class ServerError extends OAuthError {
  constructor(description = 'the server could not complete the request') { super('server_error', description, 500); }
}

/** Turns any thrown value into an OAuthError fit to show a client. */
export function toOAuthError(err: unknown): OAuthError {
  return err instanceof OAuthError ? err : new ServerError();
}
