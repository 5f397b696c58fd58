// Refresh-token rotation as a partner's back end does it: POST grant_type=refresh_token with the
// token from the last answer, keep the new one (RFC 6749 §6; rotated on every use, RFC 9700 §4.14.2).
import { signIn, discover, mintRefreshTokens } from './sign-in.mjs';
import { basicAuth } from './token-service.mjs';

/** The `step` for chainedLoad: one refresh of `chain.token`, which it replaces with the new token. */
export function refreshStep(tokenEndpoint, client) {
  const headers = { authorization: basicAuth(client), 'content-type': 'application/x-www-form-urlencoded' };
  return async (chain, post) => {
    const res = await post(tokenEndpoint, headers, `grant_type=refresh_token&refresh_token=${encodeURIComponent(chain.token)}`);
    if (res.status !== 200) return false;
    const body = JSON.parse(res.body);
    if (typeof body.refresh_token !== 'string' || body.refresh_token === chain.token || typeof body.access_token !== 'string') return false;
    chain.token = body.refresh_token;
    return true;
  };
}

/** `count` chains (refresh token families), each from a real sign-in. */
export async function refreshChains(provider, client, count) {
  return (await mintRefreshTokens(provider, client, count)).map((token) => ({ token, dead: false }));
}

/**
 * Reuse detection, checked on a family of its own: refresh once, replay the old token (must be
 * refused with invalid_grant), then the new one (must be refused too: the replay ended the family).
 * Answers true when the provider did all three as RFC 9700 §4.14.2 asks.
 */
export async function reuseIsDetected(provider, client) {
  const endpoints = await discover(provider.issuer);
  const first = (await signIn(provider, client, endpoints)).refresh_token;
  const refresh = async (token) => {
    const res = await fetch(endpoints.token_endpoint, {
      method: 'POST',
      headers: { authorization: basicAuth(client), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token }).toString(),
    });
    return { status: res.status, body: await res.json() };
  };
  const rotated = await refresh(first);
  if (rotated.status !== 200) return false;
  const replay = await refresh(first);
  const afterReplay = await refresh(rotated.body.refresh_token);
  return replay.status === 400 && replay.body.error === 'invalid_grant' && afterReplay.status === 400 && afterReplay.body.error === 'invalid_grant';
}
