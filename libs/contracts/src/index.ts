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
export { ADMIN_API_PREFIX, ADMIN_SCOPE, ADMIN_ROLE, adminAudience } from './admin-api';
export type { AdminApiError, Page } from './admin-api';
export type {
  AdminClient, AdminClientWithSecret, AdminInitialAccessToken, AdminInitialAccessTokenCreated, AdminSigningKey,
  AdminKeyRevocation, AdminSession, SubjectRevocation,
} from './admin-api';
export type { AdminUser, AdminUserWithPassword } from './admin-api';
export { CONSOLE_CLIENT_ID, CONSOLE_CLIENT_NAME, CONSOLE_SCOPE, consoleClientSecret, consoleUris } from './console-client';
export type { AdminStats } from './admin-stats';
export { AUDIT_EVENT_TYPES, AUDIT_EVENTS_PER_REQUEST } from './audit';
export type { AuditEventType, AuditEventInput, AuditEventSubmission, AuditEvent } from './audit';
