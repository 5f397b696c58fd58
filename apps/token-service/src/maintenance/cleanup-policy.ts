import { createHash } from 'node:crypto';

/** How much one pass does at a time. */
export interface CleanupLimits {
  /** Rows selected, and then deleted by key, per statement. */
  batchSize: number;
  /** Pause between two batches of a table, so the requests in between get the database (and, on SQLite, the event loop). */
  pauseMs: number;
  /** Rows one pass looks at in one table at most: a pass is bounded, the next one continues. */
  maxRowsPerTable: number;
}

export const DEFAULT_CLEANUP_LIMITS: CleanupLimits = { batchSize: 500, pauseMs: 50, maxRowsPerTable: 25_000 };

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * How long after its expiry a token-like row (a code, a refresh token, an access token's status, a
 * sign-in or logout request) is kept. It must exceed the clock tolerance of every verifier: libs/rp
 * accepts up to 300 s (MAX_CLOCK_TOLERANCE_SECONDS), and until then a revoked token's status bit
 * still matters. It also covers clocks that differ between instances.
 */
export const EXPIRED_ROW_GRACE_MS = 10 * MINUTE;

/**
 * How long an ended or expired SSO session is kept. A logout request may still name it (they live up
 * to LOGIN_FLOW_TTL, at most a day), and while it is kept, so are the grants obtained through it,
 * which is how back-channel logout finds the clients of a session.
 */
export const ENDED_SESSION_GRACE_MS = DAY;

/**
 * How long a back-channel logout delivery is kept once it was delivered or given up. Longer than
 * ENDED_SESSION_GRACE_MS: while its session is still kept, a second report of the session's end
 * finds the delivery and does not announce it twice. The rest of the week is for people: a partner
 * asking why its receiver heard nothing finds the failed row and its `last_error`.
 */
export const FINISHED_DELIVERY_GRACE_MS = 7 * DAY;

/**
 * How long an initial access token is kept once it expired or was revoked: the console still lists
 * the recent ones, so an administrator sees what became of a token they made. It can register
 * nothing any more (InitialAccessTokenRepository asks for an unexpired, unrevoked one).
 */
export const SPENT_INITIAL_ACCESS_TOKEN_GRACE_MS = 30 * DAY;

/**
 * How long audit events are kept with AUDIT_RETENTION_DAYS set, or undefined to keep them forever
 * (0, the default): the retention of an audit trail is the operator's choice, not a protocol rule.
 */
export function auditRetentionMs(days: number): number | undefined {
  return days > 0 ? days * DAY : undefined;
}

// ±20 %: instances started together (a deployment) drift apart within a few passes.
const JITTER = 0.2;

/**
 * Milliseconds from one pass of an instance to its next: the interval with a random jitter, so that
 * instances do not all try at the same moment. Undefined when cleanup is off (interval 0).
 *
 * @param random - a number in [0, 1), e.g. `Math.random()`.
 */
export function nextRunDelayMs(intervalSeconds: number, random: number): number | undefined {
  if (intervalSeconds <= 0) return undefined;
  return Math.round(intervalSeconds * 1000 * (1 - JITTER + 2 * JITTER * random));
}

// MySQL refuses lock names longer than 64 characters.
const LOCK_PREFIX = 'tessera_cleanup.';
const MAX_LOCK_NAME = 64;

/**
 * The named lock that lets one instance at a time clean `database`. Named after the database, since
 * MySQL's locks are server-wide: deployments sharing a server clean their own databases independently.
 */
export function cleanupLockName(database: string): string {
  const name = LOCK_PREFIX + database;
  if (name.length <= MAX_LOCK_NAME) return name;
  return LOCK_PREFIX + createHash('sha256').update(database).digest('hex').slice(0, MAX_LOCK_NAME - LOCK_PREFIX.length);
}
