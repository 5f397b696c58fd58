/**
 * The login/consent/logout provider API: how the login UI and the token service talk (over HTTP,
 * on the token service's internal listener, with `Authorization: Bearer INTERNAL_API_SECRET`).
 *
 * The flow, drawn once:
 *
 *   browser → GET /oauth2/authorize ──(no usable SSO session)──→ login UI /login?login_challenge=C
 *   login UI: GET  /internal/v1/login-requests/C            → LoginRequest
 *             PUT  /internal/v1/login-requests/C/accept     → { redirectTo } (back to the issuer)
 *   browser → issuer (login verified, SSO session set) ──(consent needed)──→ login UI /consent?consent_challenge=K
 *   login UI: GET  /internal/v1/consent-requests/K          → ConsentRequest
 *             PUT  /internal/v1/consent-requests/K/accept   → { redirectTo } (back to the issuer)
 *   browser → issuer → partner redirect_uri?code&state&iss
 *
 *   RP-initiated logout: browser → GET /oauth2/logout → login UI /logout?logout_challenge=L
 *   login UI: GET /internal/v1/logout-requests/L, PUT …/L/accept → { redirectTo } → issuer ends the session.
 *
 * Every `reject` answers `{ redirectTo }` too: the partner's redirect_uri with the error, or a page.
 */
export const INTERNAL_API_PREFIX = '/internal/v1';

export interface ClientSummary {
  clientId: string;
  clientName: string;
  /** The client's home page, if it registered one (`client_uri`). */
  clientUri?: string;
}

export interface LoginRequest {
  challenge: string;
  client: ClientSummary;
  requestedScope: string[];
  /** `login_hint` as the partner sent it: display it only escaped. */
  loginHint?: string;
}

/** Standard claims of the signed-in person, as OIDC Core §5.1 names them. */
export interface IdentityClaims {
  preferred_username?: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  email?: string;
  picture?: string;
  locale?: string;
  zoneinfo?: string;
  email_verified?: boolean;
  updated_at?: number;
  /**
   * The person's roles in the user directory, e.g. ['admin']. Never released in an ID token or at
   * userinfo; only an access token whose scope includes `tessera:admin` carries them (admin-api.ts).
   */
  roles?: string[];
}

export interface AcceptLoginBody {
  /** Stable, never reassigned identifier of the person (the `sub` claim). */
  subject: string;
  /** Keep the SSO session beyond this browser session. */
  remember: boolean;
  /** Authentication methods (RFC 8176), e.g. ['pwd']. */
  amr: string[];
  /** Claims for the ID token and userinfo; the token service releases them by granted scope. */
  claims: IdentityClaims;
}

export interface ConsentRequest {
  challenge: string;
  client: ClientSummary;
  requestedScope: string[];
  subject: string;
}

export interface AcceptConsentBody {
  /** The scopes the person allowed: a subset of requestedScope. */
  grantScope: string[];
  /** Skip this page next time the same client asks for no more than these scopes. */
  remember: boolean;
}

export interface LogoutRequest {
  challenge: string;
  /** The partner that asked, when it was identified by id_token_hint or client_id. */
  client?: ClientSummary;
}

export interface RejectBody {
  /** An OAuth error code, e.g. access_denied or login_required. */
  error: string;
  errorDescription?: string;
}

export interface RedirectResponse {
  redirectTo: string;
}
