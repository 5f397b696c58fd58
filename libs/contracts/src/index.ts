export {
  OAuthError, InvalidRequest, InvalidClient, InvalidGrant, UnauthorizedClient, UnsupportedGrantType,
  UnsupportedResponseType, InvalidScope, LoginRequired,
  ConsentRequired, InvalidToken, InvalidClientMetadata, InvalidRedirectUri, ServerError, toOAuthError,
  TemporarilyUnavailable,
} from './oauth-error';
export type {
  ClientSummary, LoginRequest, IdentityClaims, AcceptLoginBody, ConsentRequest, AcceptConsentBody,
  LogoutRequest, RejectBody, RedirectResponse,
} from './interaction';
export { INTERNAL_API_PREFIX } from './interaction';
