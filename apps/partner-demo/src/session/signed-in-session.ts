import { isRpError, VerifiedToken, Verifier } from '@tessera/rp';

export type SessionState =
  | { kind: 'signed-in'; id: VerifiedToken; access: VerifiedToken; accessToken: string }
  /** `reason` is an RpError code or a short phrase, for the log; never a token. */
  | { kind: 'signed-out'; reason: string };

/**
 * The session of a request, verified offline on every request: the ID token (who) and the
 * access token (what the session may do) must both verify and name the same subject. The
 * issuer's keys being unavailable is not a sign-out: that RpError is thrown for a 503.
 */
export async function verifySession(
  verifier: Pick<Verifier, 'verifyAccessToken' | 'verifyIdToken'>,
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
  return { kind: 'signed-in', id, access, accessToken: cookies.accessToken };
}
