import { deflateSync } from 'node:zlib';
import { isRpError, RpErrorCode } from './errors';
import type { RpEvent } from './events';
import { createVerifier, Verifier, VerifierOptions } from './verifier';
import { makeKey, signToken, TestKey } from '../test/fake-issuer';

// An issuer served from memory through the verifier's `fetch`: every byte and every failure is the
// test's to choose, and the clock is frozen and moved by hand.
const ISSUER = 'https://id.example.test';
const LIST_URI = `${ISSUER}/oauth2/status-lists/list-1`;
const AUDIENCE = 'partner-app';
const T0 = 1_800_000_000;

let key: TestKey;
beforeAll(() => {
  key = makeKey('key-1');
});

interface FakeIssuer {
  fetch: typeof globalThis.fetch;
  revoked: Set<number>;
  /** The list endpoint answers this status (0: the connection fails). */
  listStatus: number;
  listRequests: number;
  /** Overrides of the Status List Token's claims or header. */
  claims: Record<string, unknown>;
  header: Record<string, unknown>;
  /** While set, list responses wait for it. */
  gate?: Promise<void>;
  requestedUrls: string[];
}

function fakeIssuer(clock: { now: number }): FakeIssuer {
  const state: FakeIssuer = {
    revoked: new Set(), listStatus: 200, listRequests: 0, claims: {}, header: {}, requestedUrls: [],
    fetch: async (input) => {
      const url = String(input);
      state.requestedUrls.push(url);
      if (url === `${ISSUER}/.well-known/openid-configuration`) return Response.json({ issuer: ISSUER, jwks_uri: `${ISSUER}/jwks` });
      if (url === `${ISSUER}/jwks`) return Response.json({ keys: [key.jwk] }, { headers: { 'cache-control': 'max-age=86400' } });
      if (url !== LIST_URI) return new Response('not found', { status: 404 });
      state.listRequests++;
      if (state.gate) await state.gate;
      if (state.listStatus === 0) throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
      if (state.listStatus !== 200) return new Response('down', { status: state.listStatus });
      const bytes = Buffer.alloc(8);
      for (const idx of state.revoked) bytes[idx >> 3] |= 1 << (idx & 7);
      const iat = Math.floor(clock.now / 1000);
      const token = signToken(
        { alg: 'RS256', kid: 'key-1', typ: 'statuslist+jwt', ...state.header },
        { iss: ISSUER, sub: LIST_URI, iat, exp: iat + 120, ttl: 60, status_list: { bits: 1, lst: deflateSync(bytes).toString('base64url') }, ...state.claims },
        key.privateKey,
      );
      return new Response(token, { headers: { 'content-type': 'application/statuslist+jwt', 'cache-control': 'max-age=60' } });
    },
  };
  return state;
}

function accessToken(status: unknown, clock: { now: number }): string {
  const iat = Math.floor(clock.now / 1000);
  return signToken({ alg: 'RS256', kid: 'key-1', typ: 'at+jwt' }, {
    iss: ISSUER, sub: 'user-42', aud: AUDIENCE, client_id: AUDIENCE, jti: `jti-${Math.random()}`, iat, exp: iat + 3600,
    ...(status === undefined ? {} : { status }),
  }, key.privateKey);
}

const at = (idx: number, uri = LIST_URI) => ({ status_list: { idx, uri } });

/** Waits (on the real clock, as a safety net only) until `events` holds `count` events of `type`. */
async function eventsReach(events: RpEvent[], type: RpEvent['type'], count: number): Promise<void> {
  for (let i = 0; i < 200 && events.filter((e) => e.type === type).length < count; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(events.filter((e) => e.type === type).length).toBeGreaterThanOrEqual(count);
}

async function codeOf(promise: Promise<unknown>): Promise<RpErrorCode | 'ok'> {
  try {
    await promise;
    return 'ok';
  } catch (err) {
    if (isRpError(err)) return err.code;
    throw err;
  }
}

describe('the status list check of libs/rp (draft-ietf-oauth-status-list)', () => {
  let verifier: Verifier;
  let clock: { now: number };
  let issuer: FakeIssuer;
  let events: RpEvent[];

  const make = (statusList: VerifierOptions['statusList']) => {
    verifier = createVerifier({ issuer: ISSUER, audience: AUDIENCE, fetch: issuer.fetch, now: () => clock.now, statusList, onEvent: (e) => events.push(e) });
    return verifier;
  };

  beforeEach(() => {
    clock = { now: T0 * 1000 };
    issuer = fakeIssuer(clock);
    events = [];
  });
  afterEach(() => verifier?.close());

  it('accepts a token whose entry is 0 and refuses one whose entry is set with ERR_TOKEN_REVOKED', async () => {
    issuer.revoked.add(9);
    const v = make({ mode: 'strict' });
    expect(await codeOf(v.verifyAccessToken(accessToken(at(8), clock)))).toBe('ok');
    expect(await codeOf(v.verifyAccessToken(accessToken(at(9), clock)))).toBe('ERR_TOKEN_REVOKED');
    expect(await codeOf(v.verifyAccessToken(accessToken(at(10), clock)))).toBe('ok');
  });

  it('makes no request per verification once warm, and one shared fetch for concurrent verifications', async () => {
    let open!: () => void;
    issuer.gate = new Promise((resolve) => (open = resolve));
    const v = make({ mode: 'strict' });
    await v.warmUp();
    const pending = Array.from({ length: 20 }, (_, i) => codeOf(v.verifyAccessToken(accessToken(at(i % 8), clock))));
    await new Promise((resolve) => setTimeout(resolve, 20));
    open();
    expect(await Promise.all(pending)).toEqual(Array(20).fill('ok'));
    expect(issuer.listRequests).toBe(1);
    const before = v.stats().networkRequests;
    for (let i = 0; i < 50; i++) await v.verifyAccessToken(accessToken(at(i % 8), clock));
    expect(v.stats().networkRequests).toBe(before);
    expect(v.stats()).toMatchObject({ statusListFetches: 1, statusListFailures: 0 });
  });

  it('sees a revocation once the cached list has had its ttl, refreshing in the background', async () => {
    const v = make({ mode: 'strict' });
    const token = accessToken(at(3), clock);
    expect(await codeOf(v.verifyAccessToken(token))).toBe('ok');
    issuer.revoked.add(3);
    clock.now += 30_000; // within ttl: the cached list still says valid
    expect(await codeOf(v.verifyAccessToken(token))).toBe('ok');
    clock.now += 20_000; // past 80% of ttl: answered from the cache, refreshed behind it
    expect(await codeOf(v.verifyAccessToken(token))).toBe('ok');
    await eventsReach(events, 'status-list:refreshed', 2);
    expect(await codeOf(v.verifyAccessToken(token))).toBe('ERR_TOKEN_REVOKED');
    expect(issuer.listRequests).toBe(2);
  });

  it('strict: ERR_TOKEN_STATUS_UNAVAILABLE when no list can be had, and once the cached one outlives its ttl', async () => {
    issuer.listStatus = 0;
    const v = make({ mode: 'strict' });
    expect(await codeOf(v.verifyAccessToken(accessToken(at(1), clock)))).toBe('ERR_TOKEN_STATUS_UNAVAILABLE');
    issuer.listStatus = 200;
    clock.now += 2000; // past the 1 s backoff
    expect(await codeOf(v.verifyAccessToken(accessToken(at(1), clock)))).toBe('ok');
    issuer.listStatus = 503;
    clock.now += 61_000;
    expect(await codeOf(v.verifyAccessToken(accessToken(at(1), clock)))).toBe('ERR_TOKEN_STATUS_UNAVAILABLE');
    expect(events.map((e) => e.type)).toContain('status-list:error');
  });

  it('lenient: keeps using the last good list up to maxStaleSeconds past its ttl, then refuses', async () => {
    const v = make({ mode: 'lenient', maxStaleSeconds: 600 });
    issuer.revoked.add(2);
    expect(await codeOf(v.verifyAccessToken(accessToken(at(1), clock)))).toBe('ok');
    issuer.listStatus = 0;
    clock.now += 61_000 + 500_000;
    expect(await codeOf(v.verifyAccessToken(accessToken(at(1), clock)))).toBe('ok');
    expect(await codeOf(v.verifyAccessToken(accessToken(at(2), clock)))).toBe('ERR_TOKEN_REVOKED'); // stale, still obeyed
    await eventsReach(events, 'status-list:stale', 1);
    clock.now += 100_000 + 1000;
    expect(await codeOf(v.verifyAccessToken(accessToken(at(1), clock)))).toBe('ERR_TOKEN_STATUS_UNAVAILABLE');
  });

  it('never fetches a status list outside the issuer origin', async () => {
    const v = make({ mode: 'lenient' });
    for (const uri of ['https://evil.example/oauth2/status-lists/list-1', 'http://id.example.test/oauth2/status-lists/list-1', 'https://id.example.test:8443/x', 'not a url']) {
      expect(await codeOf(v.verifyAccessToken(accessToken(at(1, uri), clock)))).toBe('ERR_TOKEN_CLAIMS');
    }
    expect(issuer.requestedUrls.filter((url) => !url.startsWith(`${ISSUER}/`))).toEqual([]);
    expect(issuer.listRequests).toBe(0);
  });

  it.each([
    ['a list token of another type', { header: { typ: 'JWT' } }],
    ['a list token whose sub is another list', { claims: { sub: `${ISSUER}/oauth2/status-lists/other` } }],
    ['a list token of another issuer', { claims: { iss: 'https://other.example' } }],
    ['a status_list that is not zlib', { claims: { status_list: { bits: 1, lst: Buffer.from('plain').toString('base64url') } } }],
    ['a status_list with 3 bits', { claims: { status_list: { bits: 3, lst: deflateSync(Buffer.alloc(1)).toString('base64url') } } }],
    ['an expired list token', { claims: { exp: T0 - 600 } }],
  ])('refuses %s: the list is unavailable, the token is not accepted in strict mode', async (_name, override) => {
    Object.assign(issuer.claims, (override as { claims?: object }).claims ?? {});
    Object.assign(issuer.header, (override as { header?: object }).header ?? {});
    const v = make({ mode: 'strict' });
    expect(await codeOf(v.verifyAccessToken(accessToken(at(1), clock)))).toBe('ERR_TOKEN_STATUS_UNAVAILABLE');
  });

  it('refuses a malformed status claim or an index beyond the list, and ignores tokens without one', async () => {
    const v = make({ mode: 'strict' });
    expect(await codeOf(v.verifyAccessToken(accessToken({ status_list: { idx: -1, uri: LIST_URI } }, clock)))).toBe('ERR_TOKEN_CLAIMS');
    expect(await codeOf(v.verifyAccessToken(accessToken({ status_list: { idx: '1', uri: LIST_URI } }, clock)))).toBe('ERR_TOKEN_CLAIMS');
    expect(await codeOf(v.verifyAccessToken(accessToken('revoked', clock)))).toBe('ERR_TOKEN_CLAIMS');
    expect(await codeOf(v.verifyAccessToken(accessToken(at(64), clock)))).toBe('ERR_TOKEN_CLAIMS');
    expect(await codeOf(v.verifyAccessToken(accessToken(undefined, clock)))).toBe('ok');
  });

  it('checks nothing without the statusList option', async () => {
    issuer.revoked.add(1);
    const v = make(undefined);
    expect(await codeOf(v.verifyAccessToken(accessToken(at(1), clock)))).toBe('ok');
    expect(issuer.listRequests).toBe(0);
  });

  it('rejects bad options at once', () => {
    expect(() => make({ mode: 'loose' as 'strict' })).toThrow(TypeError);
    expect(() => make({ mode: 'lenient', maxStaleSeconds: -1 })).toThrow(TypeError);
  });
});
