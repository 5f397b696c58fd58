import type { AdminSigningKey } from '@tessera/contracts';

export interface TimelineEntry {
  at: number;
  kid: string;
  what: string;
  /** Has happened (`past`) or is scheduled (`future`). */
  when: 'past' | 'future';
}

/** How many past changes the timeline keeps; what is scheduled is always shown. */
export const PAST_ENTRIES = 8;

type Instant = keyof Pick<AdminSigningKey, 'created_at' | 'activated_at' | 'retired_at' | 'revoked_at' | 'activates_at' | 'retires_at' | 'next_key_published_at' | 'removes_at'>;

// What each instant of a key means, in the words of the key schedule (token-service keys/key-schedule.ts).
const EVENTS: [Instant, string][] = [
  ['created_at', 'published in the JWKS'],
  ['activated_at', 'started signing'],
  ['retired_at', 'stopped signing; kept in the JWKS until its tokens expire'],
  ['revoked_at', 'revoked: removed from the JWKS, every token it signed revoked'],
  ['activates_at', 'starts signing'],
  ['retires_at', 'stops signing; the next key takes over'],
  ['next_key_published_at', 'its successor is published'],
  ['removes_at', 'leaves the JWKS (every token it signed has expired)'],
];

/**
 * The rotation timeline of the keys page: what happened to the signing keys and what is scheduled,
 * oldest first, the last PAST_ENTRIES changes and everything ahead.
 */
export function keyTimeline(keys: AdminSigningKey[], now: number): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const key of keys) {
    for (const [instant, what] of EVENTS) {
      const at = key[instant];
      if (typeof at === 'number') entries.push({ at, kid: key.kid, what, when: at <= now ? 'past' : 'future' });
    }
  }
  entries.sort((a, b) => a.at - b.at || (a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0));
  const past = entries.filter((e) => e.when === 'past');
  return [...past.slice(-PAST_ENTRIES), ...entries.filter((e) => e.when === 'future')];
}

/** Keys by state, for the dashboard: every state named, with zeros. */
export function keysByState(keys: AdminSigningKey[]): { state: AdminSigningKey['state']; count: number }[] {
  const states: AdminSigningKey['state'][] = ['next', 'active', 'retired', 'revoked', 'removed'];
  return states.map((state) => ({ state, count: keys.filter((k) => k.state === state).length }));
}
