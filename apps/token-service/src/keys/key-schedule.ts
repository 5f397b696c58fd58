/**
 * The signing keys' life, as plain rules over plain rows: which transitions are due at an instant,
 * and how long a JWKS response may be cached. No database, no Nest, no clock of its own.
 *
 * ```
 *            created (published, not signing)
 *   ┌──────┐  activateAfter ≤ now   ┌────────┐  next one activates   ┌─────────┐  removeAfter ≤ now  ┌─────────┐
 *   │ next │ ─────────────────────▶ │ active │ ────────────────────▶ │ retired │ ──────────────────▶ │ removed │
 *   └──────┘                        └────────┘                       └─────────┘                     └─────────┘
 *      │                               │                                 │         (unpublished, private half wiped)
 *      └───────────────────────────────┴─────────── keys:revoke ─────────┴───────▶ revoked (removed at once)
 * ```
 */

export type SigningKeyState = 'next' | 'active' | 'retired' | 'removed' | 'revoked';

/** The states whose public half is in the JWKS. */
export const PUBLISHED_STATES: readonly SigningKeyState[] = ['next', 'active', 'retired'];

/** What the schedule reads and writes of a key: never its key material. */
export interface ScheduledKey {
  kid: string;
  state: SigningKeyState;
  createdAt: number;
  activatedAt: number | null;
  retiredAt: number | null;
  /** A `next` key may sign from this instant on. */
  activateAfter: number | null;
  /** A `retired` key leaves the JWKS at this instant: every token it signed has expired by then. */
  removeAfter: number | null;
  revokedAt: number | null;
}

/**
 * libs/rp's default `refreshMarginSeconds` (libs/rp/src/jwks-cache.ts). A partner refreshes its JWKS
 * that long before `max-age` ends; counting it in the lead time covers a partner whose refresh at
 * that point failed once and was retried at expiry.
 */
export const RP_REFRESH_MARGIN_SECONDS = 60;

/**
 * Clock skew between us and partners (and among our instances): a partner whose clock runs behind
 * keeps a cached JWKS that much longer, and accepts a token that much after its `exp`.
 */
export const CLOCK_SKEW_SECONDS = 60;

/**
 * How often every instance re-reads the keys. It bounds two lags: how long after a key is created
 * an instance starts publishing it, and how long after an activation an instance still signs with
 * the key before. Both are counted in the schedule below (lead time and retention), so it must stay
 * well below them; 15 s is below the smallest possible lead time (RP margin + skew = 120 s).
 */
export const RELOAD_INTERVAL_SECONDS = 15;

/** How often every instance checks whether a transition is due (and once at start). */
export const ADVANCE_INTERVAL_SECONDS = 30;

export interface KeySchedulePolicy {
  /** An active key is replaced this long after it became active (KEY_ROTATION_PERIOD). */
  rotationPeriodMs: number;
  /** A `next` key is published at least this long before it signs. */
  leadTimeMs: number;
  /** A retired key stays published this long after it stopped signing. */
  retentionMs: number;
  /** The bound of the JWKS `Cache-Control: max-age` (JWKS_MAX_AGE). */
  jwksMaxAgeMs: number;
}

export interface SchedulePolicyInputs {
  keyRotationPeriod: number;
  ttl: { accessToken: number; idToken: number; jwksCache: number };
}

/**
 * The schedule's durations from the configuration (seconds in, milliseconds out).
 *
 * Lead time: a partner that fetched the JWKS just before the next key was created keeps that copy
 * for at most JWKS_MAX_AGE (the `max-age` we serve never exceeds it), plus its refresh margin, plus
 * skew. The instance it fetched from may have read the keys up to one reload interval earlier still.
 * Once all of that has passed, every partner's cached copy holds the next key, so its first token
 * verifies without a refetch.
 *
 * Retention: the longest-lived token a key signs is an access or ID token (refresh tokens are
 * opaque). Other instances may sign with a key for up to one reload interval after it was retired;
 * partners accept a token up to the skew after its `exp`.
 *
 * @example
 * keySchedulePolicy({ keyRotationPeriod: 30 * 86400, ttl: { accessToken: 900, idToken: 3600, jwksCache: 300 } })
 * // → leadTimeMs 435_000 (300 + 60 + 60 + 15 s), retentionMs 3_675_000 (3600 + 60 + 15 s)
 */
export function keySchedulePolicy(config: SchedulePolicyInputs): KeySchedulePolicy {
  const seconds = (s: number) => s * 1000;
  return {
    rotationPeriodMs: seconds(config.keyRotationPeriod),
    leadTimeMs: seconds(config.ttl.jwksCache + RP_REFRESH_MARGIN_SECONDS + CLOCK_SKEW_SECONDS + RELOAD_INTERVAL_SECONDS),
    retentionMs: seconds(Math.max(config.ttl.accessToken, config.ttl.idToken) + CLOCK_SKEW_SECONDS + RELOAD_INTERVAL_SECONDS),
    jwksMaxAgeMs: seconds(config.ttl.jwksCache),
  };
}

/** A key's new schedule columns; the repository writes exactly these (and wipes the private half when asked). */
export interface KeyUpdate extends Omit<ScheduledKey, 'createdAt'> {
  wipePrivateHalf: boolean;
}

/** A key to create: the caller supplies the key material for it. */
export interface KeyToCreate {
  state: 'next' | 'active';
  createdAt: number;
  activatedAt: number | null;
  activateAfter: number | null;
}

export interface KeyChanges {
  create?: KeyToCreate;
  updates: KeyUpdate[];
}

export const NO_CHANGES: KeyChanges = { updates: [] };

export function hasChanges(changes: KeyChanges): boolean {
  return changes.create !== undefined || changes.updates.length > 0;
}

/**
 * The transitions due at `now`, all to be applied in one transaction:
 * retired keys past `removeAfter` are removed; the due `next` key becomes active and the active one
 * retired; with no active key at all one is created (the first start); and once the active key is
 * within a lead time of its rotation, a `next` key is created to activate at the end of its period.
 *
 * @example
 * dueChanges(keysFromTheDatabase, Date.now(), policy) // → { create?: …, updates: [...] }
 */
export function dueChanges(keys: readonly ScheduledKey[], now: number, policy: KeySchedulePolicy): KeyChanges {
  const updates = new Map<string, KeyUpdate>();
  const current = (key: ScheduledKey): ScheduledKey => ({ ...key, ...updates.get(key.kid) });
  const set = (key: ScheduledKey, change: Partial<KeyUpdate>) =>
    updates.set(key.kid, { ...toUpdate(key), ...updates.get(key.kid), ...change });

  for (const key of keys) {
    if (key.state === 'retired' && removeAfter(key, policy) <= now) set(key, removal());
  }

  const nexts = keys.filter((k) => k.state === 'next').sort(byActivation);
  const actives = keys.filter((k) => k.state === 'active');
  let create: KeyToCreate | undefined;
  let active: ScheduledKey | undefined = actives[0];
  const dueNext = nexts.find((k) => (k.activateAfter ?? 0) <= now);
  if (dueNext) {
    actives.forEach((k) => set(k, retirement(now, policy)));
    set(dueNext, { state: 'active', activatedAt: now });
    active = current(dueNext);
  } else if (!active) {
    // Nothing signs: nothing can have been signed that a partner has to verify yet, except with a
    // revoked key. A published `next` key is still the better choice than one nobody has seen.
    if (nexts[0]) {
      set(nexts[0], { state: 'active', activatedAt: now });
      active = current(nexts[0]);
    } else {
      create = { state: 'active', createdAt: now, activatedAt: now, activateAfter: null };
    }
  }

  const hasNext = nexts.some((k) => current(k).state === 'next');
  if (active && !hasNext && !create) {
    const rotatesAt = (active.activatedAt ?? active.createdAt) + policy.rotationPeriodMs;
    if (rotatesAt - policy.leadTimeMs <= now) {
      create = { state: 'next', createdAt: now, activatedAt: null, activateAfter: Math.max(rotatesAt, now + policy.leadTimeMs) };
    }
  }
  return { create, updates: [...updates.values()] };
}

/**
 * Rotating now (`keys:rotate --now`, tests): the earliest `next` key becomes active at once (it is
 * already published, so partners are the likeliest to have it), or a new one when there is none.
 * Partners that have not cached the new key refetch once on its unknown `kid`.
 */
export function rotationNow(keys: readonly ScheduledKey[], now: number, policy: KeySchedulePolicy): KeyChanges {
  const updates: KeyUpdate[] = keys.filter((k) => k.state === 'active').map((k) => ({ ...toUpdate(k), ...retirement(now, policy) }));
  const [next] = keys.filter((k) => k.state === 'next').sort(byActivation);
  if (next) return { updates: [...updates, { ...toUpdate(next), state: 'active', activatedAt: now }] };
  return { create: { state: 'active', createdAt: now, activatedAt: now, activateAfter: null }, updates };
}

/**
 * `keys:rotate` without `--now`: a `next` key published from now on, active after the lead time.
 * When one is already scheduled, nothing changes (the caller reports the scheduled one).
 */
export function nextKeyNow(keys: readonly ScheduledKey[], now: number, policy: KeySchedulePolicy): KeyChanges {
  if (keys.some((k) => k.state === 'next')) return NO_CHANGES;
  return { create: { state: 'next', createdAt: now, activatedAt: null, activateAfter: now + policy.leadTimeMs }, updates: [] };
}

/**
 * Emergency revocation of `kid`: unpublished and its private half wiped at once. When it was the
 * active key, another one becomes active in the same transaction (the `next` key if there is one),
 * so the issuer never stops signing. Throws for an unknown kid or one already removed.
 */
export function revocation(keys: readonly ScheduledKey[], kid: string, now: number, policy: KeySchedulePolicy): KeyChanges {
  const key = keys.find((k) => k.kid === kid);
  if (!key) throw new Error(`there is no signing key ${kid}`);
  if (key.state === 'removed') throw new Error(`signing key ${kid} was already removed (its tokens have expired)`);
  if (key.state === 'revoked') return NO_CHANGES;
  const revoked: KeyUpdate = { ...toUpdate(key), state: 'revoked', revokedAt: now, removeAfter: null, wipePrivateHalf: true };
  if (key.state !== 'active') return { updates: [revoked] };
  const [next] = keys.filter((k) => k.state === 'next').sort(byActivation);
  if (next) return { updates: [revoked, { ...toUpdate(next), state: 'active', activatedAt: now }] };
  return { create: { state: 'active', createdAt: now, activatedAt: now, activateAfter: null }, updates: [revoked] };
}

/**
 * The instant the published set next changes on schedule: a retired key's removal, or the creation
 * of the next key (a lead time before the active one's period ends). Activations do not change the
 * set (the key was published as `next`). Undefined when nothing is scheduled after `now`.
 */
export function nextPublishedSetChange(keys: readonly ScheduledKey[], now: number, policy: KeySchedulePolicy): number | undefined {
  const instants: number[] = [];
  for (const key of keys) {
    if (key.state === 'retired') instants.push(removeAfter(key, policy));
  }
  const active = keys.find((k) => k.state === 'active');
  if (active && !keys.some((k) => k.state === 'next')) {
    instants.push((active.activatedAt ?? active.createdAt) + policy.rotationPeriodMs - policy.leadTimeMs);
  }
  const future = instants.filter((t) => t > now);
  return future.length > 0 ? Math.min(...future) : undefined;
}

/**
 * `max-age` for the JWKS, in whole seconds: JWKS_MAX_AGE, shortened so that no cached copy outlives
 * the next scheduled change of the published set (partners then see a new `next` key, or drop a
 * removed one, as soon as it happens). The guarantee that a partner has the next key before it
 * signs does not rest on this: the lead time already counts the full JWKS_MAX_AGE.
 *
 * @example
 * jwksMaxAgeSeconds(keys, now, policy) // 300, or 42 when a key leaves the JWKS in 42 s
 */
export function jwksMaxAgeSeconds(keys: readonly ScheduledKey[], now: number, policy: KeySchedulePolicy): number {
  const change = nextPublishedSetChange(keys, now, policy);
  const bound = Math.floor(policy.jwksMaxAgeMs / 1000);
  if (change === undefined) return bound;
  return Math.min(bound, Math.floor((change - now) / 1000));
}

/** When the schedule next acts on a key; null where it does not. */
export interface KeyTimeline {
  /** A `next` key: when it starts signing. */
  activatesAt: number | null;
  /** The `active` key: when the next key replaces it (the next key's activation, or the end of its period). */
  retiresAt: number | null;
  /** The `active` key without a `next` one: when the next key is published, a lead time before it retires. */
  nextKeyPublishedAt: number | null;
  /** A `retired` key: when it leaves the JWKS. */
  removesAt: number | null;
}

/**
 * The instants at which a running token service will change `key`, as `dueChanges` computes them:
 * what `keys:list` and the admin API show.
 *
 * @example
 * keyTimeline(activeKey, allKeys, policy) // { retiresAt: …, nextKeyPublishedAt: …, activatesAt: null, removesAt: null }
 */
export function keyTimeline(key: ScheduledKey, keys: readonly ScheduledKey[], policy: KeySchedulePolicy): KeyTimeline {
  const none: KeyTimeline = { activatesAt: null, retiresAt: null, nextKeyPublishedAt: null, removesAt: null };
  switch (key.state) {
    case 'next': return { ...none, activatesAt: key.activateAfter };
    case 'active': {
      const [next] = keys.filter((k) => k.state === 'next').sort(byActivation);
      if (next) return { ...none, retiresAt: next.activateAfter };
      const rotatesAt = (key.activatedAt ?? key.createdAt) + policy.rotationPeriodMs;
      return { ...none, retiresAt: rotatesAt, nextKeyPublishedAt: rotatesAt - policy.leadTimeMs };
    }
    case 'retired': return { ...none, removesAt: removeAfter(key, policy) };
    default: return none;
  }
}

/** Keys retired before the schedule existed have no `removeAfter`: they get the retention from their retirement. */
function removeAfter(key: ScheduledKey, policy: KeySchedulePolicy): number {
  return key.removeAfter ?? (key.retiredAt ?? key.createdAt) + policy.retentionMs;
}

function toUpdate(key: ScheduledKey): KeyUpdate {
  const { kid, state, activatedAt, retiredAt, activateAfter, removeAfter, revokedAt } = key;
  return { kid, state, activatedAt, retiredAt, activateAfter, removeAfter, revokedAt, wipePrivateHalf: false };
}

function retirement(now: number, policy: KeySchedulePolicy): Partial<KeyUpdate> {
  return { state: 'retired', retiredAt: now, removeAfter: now + policy.retentionMs };
}

function removal(): Partial<KeyUpdate> {
  return { state: 'removed', wipePrivateHalf: true };
}

function byActivation(a: ScheduledKey, b: ScheduledKey): number {
  return (a.activateAfter ?? a.createdAt) - (b.activateAfter ?? b.createdAt);
}
