import { EndedSessions, EndedSessionsOptions } from './ended-sessions';

const NOW = 1_800_000_000;

function store(options: Omit<EndedSessionsOptions, 'now'> = {}): { ended: EndedSessions; clock: { ms: number } } {
  const clock = { ms: NOW * 1000 };
  return { ended: new EndedSessions({ ...options, now: () => clock.ms }), clock };
}

// The claims of a session's ID token, as the partner checks them on each request.
const session = (sid: string | undefined, sub: string, iat = NOW - 60) => ({ sid, sub, iat });

describe('EndedSessions: which sessions a logout ends (Back-Channel Logout 1.0 §2.7)', () => {
  it.each([
    ['a logout with sid ends that session', { sid: 's1', sub: 'ada', iat: NOW }, session('s1', 'ada'), true],
    ['a logout with sid leaves the same person\'s other sessions alone', { sid: 's1', sub: 'ada', iat: NOW }, session('s2', 'ada'), false],
    ['a logout with sid and no sub still ends that session', { sid: 's1', iat: NOW }, session('s1', 'ada'), true],
    ['a logout with sub only ends that person\'s sessions issued before it', { sub: 'ada', iat: NOW }, session('s2', 'ada', NOW - 60), true],
    ['… and issued in the same second', { sub: 'ada', iat: NOW }, session('s2', 'ada', NOW), true],
    ['… but not a session signed in after it', { sub: 'ada', iat: NOW }, session('s3', 'ada', NOW + 1), false],
    ['… nor another person\'s sessions', { sub: 'ada', iat: NOW }, session('s1', 'bob'), false],
    ['a logout with sub only ends a session without sid', { sub: 'ada', iat: NOW }, session(undefined, 'ada'), true],
    ['a sid is not mistaken for a sub of the same value', { sid: 'ada', iat: NOW }, session('s9', 'ada'), false],
  ])('%s', (_case, logout, checked, expected) => {
    const { ended } = store();
    ended.end(logout);
    expect(ended.isEnded(checked)).toBe(expected);
  });

  it('knows nothing of sessions it was never told about', () => {
    expect(store().ended.isEnded(session('s1', 'ada'))).toBe(false);
  });

  it('keeps the later cutoff when a person is signed out twice', () => {
    const { ended } = store();
    ended.end({ sub: 'ada', iat: NOW });
    ended.end({ sub: 'ada', iat: NOW - 600 }); // a late retry of an older logout
    expect(ended.isEnded(session(undefined, 'ada', NOW - 10))).toBe(true);
  });
});

describe('EndedSessions: bounded by time and by count', () => {
  it('forgets an ended session after ttlSeconds, when a session of it could not be alive any more', () => {
    const { ended, clock } = store({ ttlSeconds: 3600 });
    ended.end({ sid: 's1', iat: NOW });
    clock.ms += 3599 * 1000;
    expect(ended.isEnded(session('s1', 'ada'))).toBe(true);
    clock.ms += 1000;
    expect(ended.isEnded(session('s1', 'ada'))).toBe(false);
  });

  it('prunes expired entries as new ones arrive, so the size follows the logouts of the last ttl', () => {
    const { ended, clock } = store({ ttlSeconds: 60 });
    for (let i = 0; i < 100; i++) ended.end({ sid: `old-${i}`, iat: NOW });
    clock.ms += 61 * 1000;
    ended.end({ sid: 'new', iat: NOW + 61 });
    expect(ended.size).toBe(1);
  });

  it('holds at most maxEntries: the oldest logout gives way first', () => {
    const { ended } = store({ maxEntries: 3 });
    for (const sid of ['s1', 's2', 's3', 's4']) ended.end({ sid, iat: NOW });
    expect(ended.size).toBe(3);
    expect(['s1', 's2', 's3', 's4'].map((sid) => ended.isEnded(session(sid, 'ada')))).toEqual([false, true, true, true]);
  });

  it.each([
    ['a ttl under a minute', { ttlSeconds: 59 }],
    ['a ttl that is not a number', { ttlSeconds: '3600' }],
    ['no room at all', { maxEntries: 0 }],
  ])('refuses %s at creation', (_case, options) => {
    expect(() => new EndedSessions(options as EndedSessionsOptions)).toThrow(TypeError);
  });
});
