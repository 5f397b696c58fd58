import type { AdminSigningKey } from '@tessera/contracts';
import { keysByState, keyTimeline, PAST_ENTRIES } from './key-timeline.rule';

const DAY = 86_400_000;
const now = Date.parse('2026-11-28T10:00:00Z');

function key(kid: string, state: AdminSigningKey['state'], fields: Partial<AdminSigningKey>): AdminSigningKey {
  return {
    kid, state, created_at: now - 40 * DAY, activated_at: null, retired_at: null, revoked_at: null,
    activates_at: null, retires_at: null, next_key_published_at: null, removes_at: null, ...fields,
  };
}

describe('keyTimeline (the keys page)', () => {
  it.each<[string, AdminSigningKey[], [string, string, 'past' | 'future'][]]>([
    ['no keys', [], []],
    ['one active key waiting for its successor', [
      key('k1', 'active', { created_at: now - 10 * DAY, activated_at: now - 10 * DAY, next_key_published_at: now + 19 * DAY, retires_at: now + 20 * DAY }),
    ], [
      ['k1', 'published in the JWKS', 'past'],
      ['k1', 'started signing', 'past'],
      ['k1', 'its successor is published', 'future'],
      ['k1', 'stops signing; the next key takes over', 'future'],
    ]],
    ['a retired, an active and a next key', [
      key('k0', 'retired', { created_at: now - 50 * DAY, activated_at: now - 49 * DAY, retired_at: now - 19 * DAY, removes_at: now + 1 * DAY }),
      key('k1', 'active', { created_at: now - 20 * DAY, activated_at: now - 19 * DAY, retires_at: now + 2 * DAY }),
      key('k2', 'next', { created_at: now - 1 * DAY, activates_at: now + 2 * DAY }),
    ], [
      ['k0', 'published in the JWKS', 'past'],
      ['k0', 'started signing', 'past'],
      ['k1', 'published in the JWKS', 'past'],
      ['k0', 'stopped signing; kept in the JWKS until its tokens expire', 'past'],
      ['k1', 'started signing', 'past'],
      ['k2', 'published in the JWKS', 'past'],
      ['k0', 'leaves the JWKS (every token it signed has expired)', 'future'],
      ['k1', 'stops signing; the next key takes over', 'future'],
      ['k2', 'starts signing', 'future'],
    ]],
    ['a revoked key', [key('k9', 'revoked', { created_at: now - 3 * DAY, activated_at: now - 3 * DAY, revoked_at: now - DAY })], [
      ['k9', 'published in the JWKS', 'past'],
      ['k9', 'started signing', 'past'],
      ['k9', 'revoked: removed from the JWKS, every token it signed revoked', 'past'],
    ]],
  ])('%s', (_name, keys, expected) => {
    expect(keyTimeline(keys, now).map((e) => [e.kid, e.what, e.when])).toEqual(expected);
  });

  it(`keeps the last ${PAST_ENTRIES} changes and everything scheduled`, () => {
    const old = Array.from({ length: 10 }, (_, i) => key(`old${i}`, 'removed', { created_at: now - (100 - i) * DAY }));
    const timeline = keyTimeline([...old, key('k1', 'active', { created_at: now - DAY, activated_at: now - DAY, retires_at: now + DAY })], now);
    expect(timeline.filter((e) => e.when === 'past')).toHaveLength(PAST_ENTRIES);
    expect(timeline.at(-2)).toMatchObject({ kid: 'k1', what: 'started signing' });
    expect(timeline.at(-1)).toMatchObject({ kid: 'k1', when: 'future' });
  });
});

describe('keysByState', () => {
  it('counts every state, zeros included', () => {
    expect(keysByState([key('a', 'active', {}), key('b', 'retired', {}), key('c', 'retired', {})])).toEqual([
      { state: 'next', count: 0 }, { state: 'active', count: 1 }, { state: 'retired', count: 2 },
      { state: 'revoked', count: 0 }, { state: 'removed', count: 0 },
    ]);
  });
});
