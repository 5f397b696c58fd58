import { EndedSessions, isRpError, VerifiedToken, Verifier } from '@tessera/rp';

export type SessionState =
  | { kind: 'signed-in'; id: VerifiedToken; access: VerifiedToken; accessToken: string }
  /** `reason` is an RpError code or a short phrase, for the log; never a token. */
  | { kind: 'signed-out'; reason: string };

export const ENDED_AT_TESSERA = 'ended at Tessera (back-channel logout)';

/**
 * The session of a request, verified offline on every request: the ID token (who) and the
 * access token (what the session may do) must both verify and name the same subject, and the
 * session (the ID token's `sid`) must not have been ended by a back-channel logout since. The
 * issuer's keys being unavailable is not a sign-out: that RpError is thrown for a 503.
 */
export async function verifySession(
  verifier: Pick<Verifier, 'verifyAccessToken' | 'verifyIdToken'>,
  endedSessions: Pick<EndedSessions, 'isEnded'>,
  cookies: { accessToken?: string; idToken?: string },
): Promise<SessionState> {
  if (!cookies.accessToken || !cookies.idToken) return { kind: 'signed-out', reason: 'no session cookies' };
  let id: VerifiedToken;
  let access: VerifiedToken;
  try {
    [id, access] = await Promise.all([verifier.verifyIdToken(cookies.idToken), verifier.verifyAccessToken(cookies.accessToken)]);
  } catch (err) {
    if (isRpError(err) && err.code !== 'ERR_JWKS_UNAVAILABLE') return { kind: 'signed-out', reason: err.code };
    throw err;
  }
  if (id.claims.sub !== access.claims.sub) return { kind: 'signed-out', reason: 'the ID and access tokens name different subjects' };
  // The access token has no sid, but a logout of everything of its subject (sub only) reaches it too.
  if (endedSessions.isEnded(id.claims) || endedSessions.isEnded(access.claims)) return { kind: 'signed-out', reason: ENDED_AT_TESSERA };
  return { kind: 'signed-in', id, access, accessToken: cookies.accessToken };
}
