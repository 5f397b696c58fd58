export { createVerifier } from './verifier';
export type { TokenKind, Verifier, VerifierOptions, VerifiedLogoutToken, VerifiedToken } from './verifier';
export { JwksCache } from './jwks-cache';
export { StatusListCache } from './status-list-cache';
export type { StatusListCacheSettings, StatusListOptions, StatusListStats } from './status-list-cache';
export type { JwksCacheOptions, JwksCacheSettings, VerifierStats } from './jwks-cache';
export { RpError, isRpError } from './errors';
export type { RpErrorCode } from './errors';
export type { RpEvent } from './events';

// Web apps: Express middleware, Nest guard, redirect-based login.
export { requireToken } from './express-middleware';
export type { TokenMiddleware } from './express-middleware';
export { TesseraGuard, TesseraAuthError } from './nest-guard';
export type { HttpExecutionContext } from './nest-guard';
export { tesseraAuth } from './request-auth';
export type { TesseraAuth, TokenRequirementOptions, TokenVerifier } from './request-auth';
export type { TokenSource } from './request-token';
export { createLogin, LoginError } from './login';
export type { Login, LoginErrorCode, LoginOptions, LoginResult } from './login';

// Back-channel logout (OpenID Connect Back-Channel Logout 1.0): receive logout tokens, remember ended sessions.
export { createLogoutReceiver } from './logout-receiver';
export type { LogoutEvent, LogoutReceiver, LogoutReceiverOptions } from './logout-receiver';
export { backChannelLogoutHandler } from './backchannel-logout-handler';
export type { BackChannelLogoutHandlerOptions } from './backchannel-logout-handler';
export { EndedSessions } from './ended-sessions';
export type { EndedSessionsOptions } from './ended-sessions';
