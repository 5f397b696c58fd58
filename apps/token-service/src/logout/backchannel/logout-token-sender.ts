/** How long one attempt may wait for the receiver's answer. */
export const DELIVERY_TIMEOUT_MS = 5_000;

export type DeliveryOutcome = { delivered: true } | { delivered: false; error: string };

/**
 * POSTs a logout token to a client's back-channel logout URI (OIDC Back-Channel Logout 1.0 §2.5).
 * The URI is the partner's to choose, so the request goes exactly there and nowhere else: a
 * redirect is a failure, not followed (it could point into our own network); the answer's body is
 * never read (§2.8 gives it no meaning, and a huge one must cost nothing); and the attempt ends
 * after `timeoutMs` (DELIVERY_TIMEOUT_MS) or when `abandon` fires. 200 and 204 mean delivered (§2.8).
 *
 * The outcome's error is a few words for the delivery record: a status code or a network error
 * code, never the URI (its query may hold the partner's secrets) nor anything the receiver sent.
 */
export async function postLogoutToken(
  uri: string,
  logoutToken: string,
  { abandon, timeoutMs = DELIVERY_TIMEOUT_MS }: { abandon: AbortSignal; timeoutMs?: number },
): Promise<DeliveryOutcome> {
  const timeout = AbortSignal.timeout(timeoutMs);
  let res: Response;
  try {
    res = await fetch(uri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: logoutToken }).toString(),
      redirect: 'manual',
      signal: AbortSignal.any([timeout, abandon]),
    });
  } catch (err) {
    return { delivered: false, error: failureOf(err, { timeout, timeoutMs, abandon }) };
  }
  await res.body?.cancel().catch(() => undefined);
  if (res.status === 200 || res.status === 204) return { delivered: true };
  if (res.status >= 300 && res.status < 400) return { delivered: false, error: `HTTP ${res.status}: redirects are not followed` };
  return { delivered: false, error: `HTTP ${res.status}` };
}

function failureOf(err: unknown, { timeout, timeoutMs, abandon }: { timeout: AbortSignal; timeoutMs: number; abandon: AbortSignal }): string {
  if (timeout.aborted) return `no answer within ${timeoutMs} ms`;
  if (abandon.aborted) return 'abandoned: the instance stopped';
  const code = ((err as { cause?: { code?: unknown } }).cause)?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code) ? `connection failed (${code})` : 'connection failed';
}
