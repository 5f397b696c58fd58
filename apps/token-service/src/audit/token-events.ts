import { AuditEventInput } from '@tessera/contracts';
import { decodeJwt, JWTPayload } from 'jose';
import type { TokenResponse } from '../token/token-issuer';
import type { LiveToken } from '../token/token-lookup';

/**
 * The audit event of a successful token response: `token.refreshed` for grant_type=refresh_token,
 * `token.issued` otherwise. The client did it; the person is the access token's `sub` unless the
 * client acted for itself (client_credentials). Names the tokens by jti and grant id (`gid`), read
 * back from the access token just signed; the tokens themselves never leave the response.
 */
export function tokenIssuedEvent(grantType: string, clientId: string, response: TokenResponse): AuditEventInput {
  const access = claimsOf(response.access_token);
  const sid = response.id_token ? claimsOf(response.id_token).sid : undefined;
  return {
    type: grantType === 'refresh_token' ? 'token.refreshed' : 'token.issued',
    actor: `client:${clientId}`,
    subject: grantType === 'client_credentials' ? null : stringOrNull(access.sub),
    clientId,
    sessionId: stringOrNull(sid),
    details: {
      grant_type: grantType,
      jti: stringOrNull(access.jti),
      grant: stringOrNull(access.gid),
      scope: response.scope,
      id_token_issued: response.id_token !== undefined,
      refresh_token_issued: response.refresh_token !== undefined,
    },
  };
}

// Tokens signed a moment ago decode; should one not, the event goes without its ids rather than
// failing a response that is already made.
function claimsOf(jwt: string): JWTPayload {
  try {
    return decodeJwt(jwt);
  } catch {
    return {};
  }
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** The audit event of a revocation (RFC 7009) that ended something: a grant, or a client's own access token. */
export function tokenRevokedEvent(clientId: string, revoked: LiveToken): AuditEventInput {
  const jti = revoked.kind === 'access_token' ? stringOrNull(revoked.claims.jti) : null;
  return {
    type: 'token.revoked',
    actor: `client:${clientId}`,
    subject: revoked.grant?.subject ?? null,
    clientId,
    sessionId: revoked.grant?.sessionId ?? null,
    details: { token_type: revoked.kind, grant: revoked.grant?.id ?? null, jti },
  };
}

/**
 * A code or refresh token presented again after it was spent (RFC 6749 §4.1.2, RFC 9700 §4.14.2):
 * someone else may hold it, so what it bought is revoked. `presentedBy` is the client that presented
 * it (the actor); `family` the code or grant it belonged to, when still known.
 */
export function replayDetectedEvent(
  type: 'code.replay_detected' | 'refresh_token.reuse_detected',
  presentedBy: string,
  grantId: string | null,
  family: { subject: string; clientId: string; sessionId: string } | null,
  reason = 'reuse',
): AuditEventInput {
  return {
    type,
    actor: `client:${presentedBy}`,
    subject: family?.subject ?? null,
    clientId: family?.clientId ?? presentedBy,
    sessionId: family?.sessionId ?? null,
    reason,
    details: { grant: grantId },
  };
}
