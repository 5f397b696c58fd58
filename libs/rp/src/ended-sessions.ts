import { ExpiringMap } from './expiring-map';
import type { LogoutEvent } from './logout-receiver';
import { numberOption } from './number-option';

/**
 * Limits of an {@link EndedSessions} store.
 *
 * @example
 * ```ts
 * // Tessera's ID tokens live an hour by default: a session cookie holding one cannot outlive that.
 * const options: EndedSessionsOptions = { ttlSeconds: 3600, maxEntries: 50_000 };
 * ```
 */
export interface EndedSessionsOptions {
  /**
   * How long an ended session is remembered: at least as long as a session of yours can last
   * (for sessions that are the tokens themselves, the ID token lifetime). Default 86400 (Tessera's
   * longest ID token lifetime), 60–31536000.
   */
  ttlSeconds?: number;
  /** At most this many ended sessions and subjects are remembered; the oldest give way first. Default 100000. */
  maxEntries?: number;
  /** Current time in epoch milliseconds. Default `Date.now`. */
  now?: () => number;
}

const DEFAULT_TTL_SECONDS = 86_400;
const DEFAULT_MAX_ENTRIES = 100_000;

/**
 * The sessions a back-channel logout ended, for a partner whose sessions carry their own proof
 * (signed cookies, the tokens themselves) and so cannot simply be deleted: each request's session
 * is looked up here. Back-Channel Logout 1.0 §2.7: a logout token with `sid` ends that session; one
 * with only `sub` ends every session of that person issued up to the logout token's `iat`.
 *
 * In memory, bounded by time (`ttlSeconds`) and count (`maxEntries`): a restart forgets, and each
 * instance of your app knows only the logouts it received. With several instances, keep the same
 * two operations in a shared store instead.
 *
 * @example
 * ```ts
 * import { createLogoutReceiver, EndedSessions } from '@tessera/rp';
 *
 * const endedSessions = new EndedSessions({ ttlSeconds: 3600 });
 * const receiver = createLogoutReceiver({ verifier, onLogout: (event) => endedSessions.end(event) });
 *
 * // on every request, with the session's verified ID token:
 * const { claims } = await verifier.verifyIdToken(idTokenCookie);
 * if (endedSessions.isEnded(claims)) return signedOut();
 * ```
 */
export class EndedSessions {
  private readonly ttlMs: number;
  private readonly now: () => number;
  // `sid:…` → 0, `sub:…` → the iat up to which that person's sessions are ended.
  private readonly ended: ExpiringMap<number>;

  constructor(options: EndedSessionsOptions = {}) {
    this.ttlMs = numberOption(options.ttlSeconds, 'ttlSeconds', DEFAULT_TTL_SECONDS, 60, 31_536_000) * 1000;
    this.ended = new ExpiringMap(Math.floor(numberOption(options.maxEntries, 'maxEntries', DEFAULT_MAX_ENTRIES, 1, 10_000_000)));
    if (options.now !== undefined && typeof options.now !== 'function') throw new TypeError('now must be a function');
    this.now = options.now ?? Date.now;
  }

  /** How many sessions and subjects are remembered now (expired ones may still count until pruned). */
  get size(): number {
    return this.ended.size;
  }

  /** Records a logout: the session `sid`, or, without one, every session of `sub` issued up to `iat`. */
  end(event: Pick<LogoutEvent, 'sid' | 'sub' | 'iat'>): void {
    const nowMs = this.now();
    if (event.sid !== undefined) {
      this.ended.set(`sid:${event.sid}`, 0, nowMs + this.ttlMs, nowMs);
      return;
    }
    if (event.sub === undefined) return;
    const key = `sub:${event.sub}`;
    const cutoff = Math.max(event.iat, this.ended.get(key, nowMs) ?? Number.NEGATIVE_INFINITY);
    this.ended.set(key, cutoff, nowMs + this.ttlMs, nowMs);
  }

  /**
   * Whether a session, given by the claims of its verified ID token (`sid`, `sub`, `iat`), was ended
   * by a back-channel logout.
   */
  isEnded(session: { sid?: unknown; sub?: unknown; iat?: unknown }): boolean {
    const nowMs = this.now();
    if (typeof session.sid === 'string' && this.ended.get(`sid:${session.sid}`, nowMs) !== undefined) return true;
    if (typeof session.sub !== 'string') return false;
    const cutoff = this.ended.get(`sub:${session.sub}`, nowMs);
    return cutoff !== undefined && (typeof session.iat !== 'number' || session.iat <= cutoff);
  }
}
