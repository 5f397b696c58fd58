import {
  dueChanges, jwksMaxAgeSeconds, KeyChanges, keySchedulePolicy, nextKeyNow, revocation, rotationNow, ScheduledKey,
} from './key-schedule';

const S = 1000;
const DAY = 86_400 * S;
const T0 = Date.UTC(2026, 0, 1);
const policy = keySchedulePolicy({ keyRotationPeriod: 30 * 86_400, ttl: { accessToken: 900, idToken: 3600, jwksCache: 300 } });
const LEAD = policy.leadTimeMs;
const RETENTION = policy.retentionMs;

const key = (kid: string, state: ScheduledKey['state'], extra: Partial<ScheduledKey> = {}): ScheduledKey => ({
  kid, state, createdAt: T0, activatedAt: null, retiredAt: null, activateAfter: null, removeAfter: null, revokedAt: null, ...extra,
});
const active = key('A', 'active', { activatedAt: T0 });
/** The changes as kid → new state, plus what is created. */
const summary = (changes: KeyChanges) => ({
  create: changes.create && { state: changes.create.state, activateAfter: changes.create.activateAfter },
  states: Object.fromEntries(changes.updates.map((u) => [u.kid, u.state])),
});

describe('the signing key schedule', () => {
  it('publishes a next key for JWKS max-age + RP refresh margin + clock skew + reload interval before it signs', () => {
    expect(LEAD).toBe((300 + 60 + 60 + 15) * S);
    // The longest token lifetime (the ID token's hour) + skew + reload interval.
    expect(RETENTION).toBe((3600 + 60 + 15) * S);
  });

  it.each<[string, ScheduledKey[], number, ReturnType<typeof summary>]>([
    ['creates the first key, active at once', [], T0, { create: { state: 'active', activateAfter: null }, states: {} }],
    ['does nothing a moment before the next key is due', [active], T0 + 30 * DAY - LEAD - 1, { create: undefined, states: {} }],
    ['creates the next key a lead time before the period ends, to activate at its end',
      [active], T0 + 30 * DAY - LEAD, { create: { state: 'next', activateAfter: T0 + 30 * DAY }, states: {} }],
    ['after a long outage, still gives the next key a whole lead time',
      [active], T0 + 40 * DAY, { create: { state: 'next', activateAfter: T0 + 40 * DAY + LEAD }, states: {} }],
    ['does not activate the next key a moment early',
      [active, key('N', 'next', { activateAfter: T0 + 30 * DAY })], T0 + 30 * DAY - 1, { create: undefined, states: {} }],
    ['activates the next key when due and retires the active one',
      [active, key('N', 'next', { activateAfter: T0 + 30 * DAY })], T0 + 30 * DAY, { create: undefined, states: { A: 'retired', N: 'active' } }],
    ['keeps a retired key published until removeAfter',
      [active, key('R', 'retired', { removeAfter: T0 + DAY })], T0 + DAY - 1, { create: undefined, states: {} }],
    ['removes a retired key at removeAfter',
      [active, key('R', 'retired', { removeAfter: T0 + DAY })], T0 + DAY, { create: undefined, states: { R: 'removed' } }],
    ['gives a key retired before the schedule existed the retention from its retirement',
      [active, key('R', 'retired', { retiredAt: T0 })], T0 + RETENTION, { create: undefined, states: { R: 'removed' } }],
    ['with no active key (all revoked), activates the published next key at once rather than a new one',
      [key('X', 'revoked'), key('N', 'next', { activateAfter: T0 + DAY })], T0, { create: undefined, states: { N: 'active' } }],
    ['leaves removed and revoked keys alone', [active, key('X', 'revoked'), key('Y', 'removed')], T0 + DAY, { create: undefined, states: {} }],
  ])('%s', (_name, keys, now, expected) => {
    expect(summary(dueChanges(keys, now, policy))).toEqual(expected);
  });

  it('retires with removeAfter = retirement + retention, and wipes the private half only on removal', () => {
    const now = T0 + 30 * DAY;
    const changes = dueChanges([active, key('N', 'next', { activateAfter: now }), key('R', 'retired', { removeAfter: now })], now, policy);
    expect(changes.updates).toEqual(expect.arrayContaining([
      expect.objectContaining({ kid: 'A', state: 'retired', retiredAt: now, removeAfter: now + RETENTION, wipePrivateHalf: false }),
      expect.objectContaining({ kid: 'N', state: 'active', activatedAt: now, wipePrivateHalf: false }),
      expect.objectContaining({ kid: 'R', state: 'removed', wipePrivateHalf: true }),
    ]));
  });

  it('is idempotent: applying the changes leaves nothing due at the same instant', () => {
    const now = T0 + 30 * DAY;
    const before = [active, key('N', 'next', { activateAfter: now })];
    const changes = dueChanges(before, now, policy);
    const after = before.map((k) => ({ ...k, ...changes.updates.find((u) => u.kid === k.kid) }));
    expect(summary(dueChanges(after, now, policy))).toEqual({ create: undefined, states: {} });
  });

  it('rotating now activates the published next key if there is one, else creates an active key', () => {
    expect(summary(rotationNow([active, key('N', 'next', { activateAfter: T0 + DAY })], T0, policy)))
      .toEqual({ create: undefined, states: { A: 'retired', N: 'active' } });
    expect(summary(rotationNow([active], T0, policy))).toEqual({ create: { state: 'active', activateAfter: null }, states: { A: 'retired' } });
  });

  it('keys:rotate without --now publishes one next key, active after the lead time', () => {
    expect(summary(nextKeyNow([active], T0 + DAY, policy))).toEqual({ create: { state: 'next', activateAfter: T0 + DAY + LEAD }, states: {} });
    expect(summary(nextKeyNow([active, key('N', 'next')], T0 + DAY, policy))).toEqual({ create: undefined, states: {} });
  });

  describe('revocation', () => {
    it('of the active key activates the next key in the same change, or creates one', () => {
      expect(summary(revocation([active, key('N', 'next')], 'A', T0, policy))).toEqual({ create: undefined, states: { A: 'revoked', N: 'active' } });
      expect(summary(revocation([active], 'A', T0, policy))).toEqual({ create: { state: 'active', activateAfter: null }, states: { A: 'revoked' } });
    });

    it('of a retired key removes it at once and wipes its private half, leaving the active key', () => {
      const changes = revocation([active, key('R', 'retired', { removeAfter: T0 + DAY })], 'R', T0, policy);
      expect(changes).toEqual({ updates: [expect.objectContaining({ kid: 'R', state: 'revoked', revokedAt: T0, removeAfter: null, wipePrivateHalf: true })] });
    });

    it('refuses an unknown or removed key and does nothing for a revoked one', () => {
      expect(() => revocation([active], 'nope', T0, policy)).toThrow(/no signing key nope/);
      expect(() => revocation([active, key('Y', 'removed')], 'Y', T0, policy)).toThrow(/already removed/);
      expect(revocation([active, key('X', 'revoked')], 'X', T0, policy)).toEqual({ updates: [] });
    });
  });

  describe('the JWKS max-age', () => {
    it.each<[string, ScheduledKey[], number, number]>([
      ['is JWKS_MAX_AGE when nothing changes soon', [active], T0, 300],
      ['ends when the next key is published', [active], T0 + 30 * DAY - LEAD - 42 * S, 42],
      ['is not shortened by an activation (the set does not change)', [active, key('N', 'next', { activateAfter: T0 + 10 * S })], T0, 300],
      ['ends when a retired key leaves the JWKS', [active, key('N', 'next'), key('R', 'retired', { removeAfter: T0 + 7.5 * S })], T0, 7],
      ['ignores a change already overdue (the next advance makes it)', [active, key('R', 'retired', { removeAfter: T0 - S })], T0, 300],
    ])('%s', (_name, keys, now, expected) => {
      expect(jwksMaxAgeSeconds(keys, now, policy)).toBe(expected);
    });
  });
});
