import { keySchedulePolicy, keyTimeline, ScheduledKey } from './key-schedule';

const policy = keySchedulePolicy({ keyRotationPeriod: 30 * 86_400, ttl: { accessToken: 900, idToken: 3600, jwksCache: 300 } });
const T = 1_800_000_000_000;
const key = (kid: string, fields: Partial<ScheduledKey>): ScheduledKey => ({
  kid, state: 'active', createdAt: T, activatedAt: null, retiredAt: null, activateAfter: null, removeAfter: null, revokedAt: null, ...fields,
});

describe('keyTimeline: when the schedule next acts on a key', () => {
  const active = key('a', { state: 'active', activatedAt: T });
  const next = key('n', { state: 'next', activateAfter: T + 1000 });
  const none = { activatesAt: null, retiresAt: null, nextKeyPublishedAt: null, removesAt: null };

  it.each<[string, ScheduledKey, ScheduledKey[], ReturnType<typeof keyTimeline>]>([
    ['a next key activates at activateAfter', next, [active, next], { ...none, activatesAt: T + 1000 }],
    ['the active key retires when the next one activates', active, [active, next], { ...none, retiresAt: T + 1000 }],
    ['the active key without a next one retires at the end of its period, the next published a lead time before', active, [active], {
      ...none, retiresAt: T + policy.rotationPeriodMs, nextKeyPublishedAt: T + policy.rotationPeriodMs - policy.leadTimeMs,
    }],
    ['a retired key is removed at removeAfter', key('r', { state: 'retired', retiredAt: T, removeAfter: T + 5 }), [], { ...none, removesAt: T + 5 }],
    ['a retired key from before the schedule is removed a retention after retiring', key('r', { state: 'retired', retiredAt: T }), [], { ...none, removesAt: T + policy.retentionMs }],
    ['a revoked key has nothing ahead', key('x', { state: 'revoked', revokedAt: T }), [], none],
    ['a removed key has nothing ahead', key('x', { state: 'removed' }), [], none],
  ])('%s', (_case, subject, keys, expected) => {
    expect(keyTimeline(subject, keys, policy)).toEqual(expected);
  });
});
