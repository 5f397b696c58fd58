import { RpError } from './errors';
import { ExpiringMap } from './expiring-map';
import { numberOption } from './number-option';
import { DEFAULT_LOGOUT_TOKEN_MAX_AGE_SECONDS, MAX_LOGOUT_TOKEN_MAX_AGE_SECONDS, type Verifier } from './verifier';

/**
 * What a valid logout token asks for (Back-Channel Logout 1.0 §2.7): end the session `sid`, or,
 * without `sid`, every session of `sub`. `iat` is when the issuer issued the token, in epoch seconds.
 *
 * @example
 * ```ts
 * const onLogout = ({ sid, sub }: LogoutEvent) => (sid ? sessions.endBySid(sid) : sessions.endAllOf(sub!));
 * ```
 */
export interface LogoutEvent {
  jti: string;
  iat: number;
  sub?: string;
  sid?: string;
}

/**
 * How to receive back-channel logouts. Only `verifier` and `onLogout` are required.
 *
 * @example
 * ```ts
 * const options: LogoutReceiverOptions = {
 *   verifier,                                  // from createVerifier, for your client_id
 *   onLogout: (event) => endedSessions.end(event),
 *   maxTokenAgeSeconds: 120,
 * };
 * ```
 */
export interface LogoutReceiverOptions {
  /** A verifier from `createVerifier` (its cached JWKS, issuer and audience are used). */
  verifier: Pick<Verifier, 'verifyLogoutToken'>;
  /** Ends the session(s). Awaited; when it throws, the token's `jti` is forgotten so that a retry can succeed. */
  onLogout: (event: LogoutEvent) => void | Promise<void>;
  /** A logout token whose `iat` is older than this is refused, `exp` or not. Default 300, 1–3600. */
  maxTokenAgeSeconds?: number;
  /** How many `jti`s the replay cache holds at most (the oldest give way first). Default 10000. */
  replayCacheSize?: number;
  /** Current time in epoch milliseconds, for the replay cache. Default `Date.now`; pass the verifier's. */
  now?: () => number;
}

/**
 * Validates logout tokens and ends the sessions they name. Every refusal is an `RpError`.
 *
 * @example
 * ```ts
 * const event = await receiver.receive(logoutToken); // ERR_LOGOUT_TOKEN_REPLAYED the second time
 * ```
 */
export interface LogoutReceiver {
  /** Verifies the token, refuses a `jti` already received, then awaits `onLogout` and resolves to the event. */
  receive(logoutToken: string): Promise<LogoutEvent>;
}

const DEFAULT_REPLAY_CACHE_SIZE = 10_000;

/**
 * Makes a receiver of OpenID Connect Back-Channel Logout 1.0 logout tokens for one verifier: the
 * checks of §2.6 (signature from the cached JWKS, RS256, kid, typ `logout+jwt`, iss, aud, iat, exp,
 * `events`, `sub` or `sid`, no `nonce`) and the replay check of step 8, in memory: a `jti` is
 * remembered as long as the verifier would accept its token, so memory stays bounded by time and
 * by `replayCacheSize`. With several instances of your app each remembers what it received.
 *
 * @example
 * ```ts
 * import { createLogoutReceiver, createVerifier, EndedSessions } from '@tessera/rp';
 *
 * const verifier = createVerifier({ issuer: 'https://id.example.com', audience: 'my-client-id' });
 * const endedSessions = new EndedSessions();
 * const receiver = createLogoutReceiver({ verifier, onLogout: (event) => endedSessions.end(event) });
 * ```
 */
export function createLogoutReceiver(options: LogoutReceiverOptions): LogoutReceiver {
  const { verifier, onLogout } = options;
  if (typeof verifier?.verifyLogoutToken !== 'function') throw new TypeError('verifier must come from createVerifier');
  if (typeof onLogout !== 'function') throw new TypeError('onLogout must be a function');
  if (options.now !== undefined && typeof options.now !== 'function') throw new TypeError('now must be a function');
  const verifyOptions = {
    maxAgeSeconds: numberOption(options.maxTokenAgeSeconds, 'maxTokenAgeSeconds', DEFAULT_LOGOUT_TOKEN_MAX_AGE_SECONDS, 1, MAX_LOGOUT_TOKEN_MAX_AGE_SECONDS),
  };
  const replayCacheSize = Math.floor(numberOption(options.replayCacheSize, 'replayCacheSize', DEFAULT_REPLAY_CACHE_SIZE, 1, 1_000_000));
  const now = options.now ?? Date.now;
  const seen = new ExpiringMap<true>(replayCacheSize);

  return {
    async receive(logoutToken) {
      const { claims, acceptedUntil } = await verifier.verifyLogoutToken(logoutToken, verifyOptions);
      const { jti } = claims;
      // Checked and recorded with no await in between, so two deliveries of one token cannot both pass.
      const nowMs = now();
      if (seen.get(jti, nowMs)) throw new RpError('ERR_LOGOUT_TOKEN_REPLAYED', 'a logout token with this "jti" was already received');
      seen.set(jti, true, acceptedUntil * 1000, nowMs);
      const event: LogoutEvent = {
        jti,
        iat: claims.iat,
        ...(claims.sub === undefined ? {} : { sub: claims.sub }),
        ...(claims.sid === undefined ? {} : { sid: claims.sid }),
      };
      try {
        await onLogout(event);
      } catch (err) {
        seen.delete(jti);
        throw err;
      }
      return event;
    },
  };
}
