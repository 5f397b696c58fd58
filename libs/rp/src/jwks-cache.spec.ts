import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RpError } from './errors';
import type { RpEvent } from './events';
import type { JwksCacheOptions } from './jwks-cache';
import { createVerifier, Verifier } from './verifier';
import { EventLog, FakeIssuer, makeKey, signToken, startFakeIssuer, TestKey } from '../test/fake-issuer';

const T0 = 1_800_000_000_000;
const AUDIENCE = 'partner-app';

let key: TestKey;
let newKey: TestKey;
let smallKey: TestKey;

beforeAll(() => {
  key = makeKey('key-1');
  newKey = makeKey('key-2');
  smallKey = makeKey('key-1024', 1024);
});

// Each test gets its own issuer, clock, verifier and event log; all are closed after it.
let issuer: FakeIssuer;
let clock: number;
let log: EventLog<RpEvent>;
const verifiers: Verifier[] = [];
const dirs: string[] = [];

beforeEach(async () => {
  issuer = await startFakeIssuer([key]);
  clock = T0;
  log = new EventLog<RpEvent>();
});

afterEach(async () => {
  for (const verifier of verifiers.splice(0)) verifier.close();
  await issuer.stop();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function verifierFor(jwks: JwksCacheOptions = {}, extra: { fetch?: typeof fetch; jwksUri?: string } = {}): Verifier {
  const verifier = createVerifier({ issuer: issuer.issuer, audience: AUDIENCE, now: () => clock, jwks, onEvent: log.listener, ...extra });
  verifiers.push(verifier);
  return verifier;
}

function tokenBy(signer: TestKey, kid = signer.kid): string {
  const now = Math.floor(clock / 1000);
  return signToken(
    { alg: 'RS256', kid, typ: 'at+jwt' },
    { iss: issuer.issuer, sub: 'user-42', aud: AUDIENCE, client_id: AUDIENCE, jti: `jti-${Math.random()}`, iat: now, exp: now + 3600 },
    signer.privateKey,
  );
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  if (!(err instanceof RpError)) throw new Error(`expected an RpError, got ${String(err)}`);
  return err.code;
}

const seconds = (n: number) => n * 1000;

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-rp-'));
  dirs.push(dir);
  return dir;
}

describe('Cache-Control max-age and ETag', () => {
  it('does not refetch before the refresh point, refreshes in the background after it, and no verification waits on it', async () => {
    issuer.cacheControl = 'public, max-age=600';
    const verifier = verifierFor();
    await verifier.warmUp();
    expect(issuer.requests).toEqual({ discovery: 1, jwks: 1, other: 0 });

    clock += seconds(500); // refresh point: 600 s - 60 s margin = 540 s
    await verifier.verifyAccessToken(tokenBy(key));
    expect(issuer.requests.jwks).toBe(1);

    // Hold the issuer's answer: the verification past the refresh point must still resolve.
    let release!: () => void;
    issuer.gate = new Promise((resolve) => (release = resolve));
    clock += seconds(45);
    const refreshed = log.next('jwks:refreshed');
    await expect(verifier.verifyAccessToken(tokenBy(key))).resolves.toMatchObject({ kind: 'access' });
    await issuer.jwksRequestsReach(2); // asked, and still unanswered: the verification did not wait
    release();
    await refreshed;
    expect(verifier.stats()).toMatchObject({ jwksFetches: 2, jwksFailures: 0 });
  });

  it('revalidates with If-None-Match; a 304 keeps the keys and restarts max-age', async () => {
    issuer.cacheControl = 'max-age=600';
    issuer.etag = '"jwks-v1"';
    const verifier = verifierFor();
    await verifier.warmUp();

    clock += seconds(545);
    const notModified = log.next('jwks:not-modified');
    await verifier.verifyAccessToken(tokenBy(key));
    await notModified;
    expect(issuer.ifNoneMatch).toEqual([undefined, '"jwks-v1"']);
    expect(verifier.stats()).toMatchObject({ jwksFetches: 1, jwksNotModified: 1 });

    clock += seconds(500); // 500 s after the 304: still fresh
    await verifier.verifyAccessToken(tokenBy(key));
    expect(issuer.requests.jwks).toBe(2);

    clock += seconds(45);
    const again = log.next('jwks:not-modified');
    await verifier.verifyAccessToken(tokenBy(key));
    await again;
    expect(issuer.requests.jwks).toBe(3);
  });

  it('picks up a changed key set on a conditional request (new ETag → 200)', async () => {
    issuer.etag = '"v1"';
    const verifier = verifierFor();
    await verifier.warmUp();
    issuer.etag = '"v2"';
    issuer.jwks = { keys: [key.jwk, newKey.jwk] };
    clock += seconds(545);
    const refreshed = log.next('jwks:refreshed');
    await verifier.verifyAccessToken(tokenBy(key));
    expect((await refreshed).kids).toEqual(['key-1', 'key-2']);
    expect(issuer.ifNoneMatch).toEqual([undefined, '"v1"']);
    await expect(verifier.verifyAccessToken(tokenBy(newKey))).resolves.toMatchObject({ header: { kid: 'key-2' } });
    expect(verifier.stats().unknownKidRefetches).toBe(0);
  });

  it.each([
    { name: 'no Cache-Control', cacheControl: undefined, headers: {}, expected: 300 },
    { name: 'max-age=120', cacheControl: 'public, max-age=120', headers: {}, expected: 120 },
    { name: 'max-age=0 (clamped up)', cacheControl: 'max-age=0', headers: {}, expected: 30 },
    { name: 'no-cache (clamped up)', cacheControl: 'no-cache', headers: {}, expected: 30 },
    { name: 'no-store (clamped up)', cacheControl: 'no-store', headers: {}, expected: 30 },
    { name: 'max-age of a year (clamped down)', cacheControl: 'max-age=31536000', headers: {}, expected: 86400 },
    { name: 'max-age=600 with Age: 100', cacheControl: 'max-age=600', headers: { age: '100' }, expected: 500 },
    { name: 'a malformed max-age (treated as stale)', cacheControl: 'max-age=abc', headers: {}, expected: 30 },
  ])('$name → keys fresh for $expected s', async ({ cacheControl, headers, expected }) => {
    issuer.cacheControl = cacheControl;
    issuer.headers = headers as Record<string, string>;
    const verifier = verifierFor();
    const refreshed = log.next('jwks:refreshed');
    await verifier.warmUp();
    expect((await refreshed).maxAgeSeconds).toBe(expected);
  });

  it('with no-cache, still does not ask the issuer on every verification', async () => {
    issuer.cacheControl = 'no-cache';
    const verifier = verifierFor();
    await verifier.warmUp();
    for (let i = 0; i < 20; i++) {
      clock += seconds(1);
      await verifier.verifyAccessToken(tokenBy(key));
    }
    // 20 s into a 30 s floor, before its refresh point (30 s - 20% = 24 s)
    expect(issuer.requests.jwks).toBe(1);
  });
});

describe('unknown kid', () => {
  it('100 concurrent verifications with a newly published key share exactly one refetch', async () => {
    const verifier = verifierFor();
    await verifier.warmUp();
    issuer.jwks = { keys: [key.jwk, newKey.jwk] };
    const tokens = Array.from({ length: 100 }, () => tokenBy(newKey));
    const results = await Promise.all(tokens.map((token) => verifier.verifyAccessToken(token)));
    expect(results.every((result) => result.header.kid === 'key-2')).toBe(true);
    expect(issuer.requests.jwks).toBe(2);
    expect(verifier.stats()).toMatchObject({ unknownKidRefetches: 1, jwksFetches: 2 });
  });

  it('a kid that stays unknown is refused, refetching at most once per cooldown', async () => {
    const verifier = verifierFor({ unknownKidCooldownSeconds: 10 });
    await verifier.warmUp();
    const forged = () => tokenBy(newKey, 'made-up-kid');

    const first = await Promise.all(Array.from({ length: 100 }, () => codeOf(verifier.verifyAccessToken(forged()))));
    expect(new Set(first)).toEqual(new Set(['ERR_TOKEN_KEY_UNKNOWN']));
    expect(issuer.requests.jwks).toBe(2);

    clock += seconds(9);
    for (let i = 0; i < 10; i++) expect(await codeOf(verifier.verifyAccessToken(forged()))).toBe('ERR_TOKEN_KEY_UNKNOWN');
    expect(issuer.requests.jwks).toBe(2);

    clock += seconds(1);
    expect(await codeOf(verifier.verifyAccessToken(forged()))).toBe('ERR_TOKEN_KEY_UNKNOWN');
    expect(issuer.requests.jwks).toBe(3);
    expect(verifier.stats().unknownKidRefetches).toBe(2);
  });
});

describe('issuer down (stale-if-error)', () => {
  const breakages: Array<[string, (issuer: FakeIssuer) => Promise<void> | void, RegExp]> = [
    ['stops answering', (i) => i.stop(), /request failed/],
    ['answers 503', (i) => { i.status = 503; }, /HTTP 503/],
    ['sends a body that is not JSON', (i) => { i.jwks = '<html>oops</html>'; }, /not a JWK Set/],
    ['sends a set without a usable key', (i) => { i.jwks = { keys: [{ ...key.jwk, use: 'enc' }] }; }, /no usable RS256 signing key/],
    ['sends more than 512 KiB', (i) => { i.jwks = { keys: [key.jwk], padding: 'x'.repeat(600 * 1024) } as unknown as { keys: unknown[] }; }, /larger than/],
  ];

  it.each(breakages)('when the issuer %s, the last good set keeps verifying and jwks:stale says so', async (_name, breakIt, error) => {
    const verifier = verifierFor({ maxStaleSeconds: 3600 });
    await verifier.warmUp();
    await breakIt(issuer);

    clock += seconds(700); // past max-age (600 s)
    const stale = log.next('jwks:stale');
    await expect(verifier.verifyAccessToken(tokenBy(key))).resolves.toMatchObject({ kind: 'access' });
    const event = await stale;
    expect(event.ageSeconds).toBe(700);
    expect(event.error).toMatch(error);
    await expect(verifier.verifyAccessToken(tokenBy(key))).resolves.toMatchObject({ kind: 'access' });
    expect(verifier.stats().jwksFailures).toBe(1);
  });

  it('beyond max-age + maxStaleSeconds, verification fails with ERR_JWKS_UNAVAILABLE', async () => {
    const verifier = verifierFor({ maxStaleSeconds: 3600 });
    await verifier.warmUp();
    await issuer.stop();

    clock += seconds(600 + 3600 - 1);
    await expect(verifier.verifyAccessToken(tokenBy(key))).resolves.toMatchObject({ kind: 'access' });

    clock += seconds(2);
    const error = log.next('jwks:error');
    expect(await codeOf(verifier.verifyAccessToken(tokenBy(key)))).toBe('ERR_JWKS_UNAVAILABLE');
    expect((await error).error).toMatch(/request failed/);
  });

  it('a token signed by a key the cache has not seen is refused while the issuer is down', async () => {
    const verifier = verifierFor();
    await verifier.warmUp();
    await issuer.stop();
    expect(await codeOf(verifier.verifyAccessToken(tokenBy(newKey)))).toBe('ERR_TOKEN_KEY_UNKNOWN');
    await expect(verifier.verifyAccessToken(tokenBy(key))).resolves.toMatchObject({ kind: 'access' });
  });

  it('backs off after failures instead of asking a down issuer on every request, and recovers', async () => {
    issuer.status = 503;
    const verifier = verifierFor();
    expect(await codeOf(verifier.warmUp())).toBe('ERR_JWKS_UNAVAILABLE');
    expect(issuer.requests.jwks).toBe(1);

    for (let i = 0; i < 20; i++) expect(await codeOf(verifier.verifyAccessToken(tokenBy(key)))).toBe('ERR_JWKS_UNAVAILABLE');
    expect(issuer.requests.jwks).toBe(1);

    clock += seconds(1); // first backoff: 1 s
    expect(await codeOf(verifier.verifyAccessToken(tokenBy(key)))).toBe('ERR_JWKS_UNAVAILABLE');
    expect(issuer.requests.jwks).toBe(2);

    clock += seconds(1); // second backoff: 2 s
    expect(await codeOf(verifier.verifyAccessToken(tokenBy(key)))).toBe('ERR_JWKS_UNAVAILABLE');
    expect(issuer.requests.jwks).toBe(2);

    issuer.status = 200;
    clock += seconds(1);
    await expect(verifier.verifyAccessToken(tokenBy(key))).resolves.toMatchObject({ kind: 'access' });
    expect(issuer.requests.jwks).toBe(3);
    expect(verifier.stats()).toMatchObject({ jwksFailures: 2, jwksFetches: 1 });
    expect(log.ofType('jwks:error')).toHaveLength(2);
  });

  it('abandons a request that hangs after timeoutMs', async () => {
    issuer.gate = new Promise(() => {}); // the JWKS endpoint never answers
    const verifier = verifierFor({ timeoutMs: 200 });
    const error = log.next('jwks:error');
    expect(await codeOf(verifier.warmUp())).toBe('ERR_JWKS_UNAVAILABLE');
    expect((await error).error).toMatch(/no response within 200 ms/);
  });
});

describe('cacheFile', () => {
  it('persists the set; a new verifier with the file verifies while the issuer is down (a partner restart)', async () => {
    const cacheFile = join(await tempDir(), 'jwks.json');
    issuer.etag = '"v1"';
    const first = verifierFor({ cacheFile });
    await first.warmUp();
    first.close();
    const saved = JSON.parse(await readFile(cacheFile, 'utf8'));
    expect(saved).toMatchObject({ version: 1, issuer: issuer.issuer, jwksUri: issuer.jwksUri, etag: '"v1"', fetchedAt: T0, maxAgeSeconds: 600 });
    expect(saved.jwks.keys.map((jwk: { kid: string }) => jwk.kid)).toEqual(['key-1']);
    await issuer.stop();

    clock += seconds(900); // past max-age: only the stale allowance keeps it usable
    const loaded = log.next('jwks:loaded-from-file');
    const stale = log.next('jwks:stale');
    const restarted = verifierFor({ cacheFile });
    await restarted.warmUp();
    expect((await loaded).ageSeconds).toBe(900);
    await expect(restarted.verifyAccessToken(tokenBy(key))).resolves.toMatchObject({ kind: 'access' });
    expect((await stale).error).toMatch(/request failed/); // the background revalidation failed, and said so
  });

  it('revalidates the loaded set in the background with If-None-Match and rewrites the file', async () => {
    const cacheFile = join(await tempDir(), 'jwks.json');
    issuer.etag = '"v1"';
    const first = verifierFor({ cacheFile });
    await first.warmUp();
    first.close();

    clock += seconds(100);
    const notModified = log.next('jwks:not-modified');
    const restarted = verifierFor({ cacheFile });
    await restarted.warmUp();
    await notModified;
    expect(issuer.ifNoneMatch).toEqual([undefined, '"v1"']);
    expect(JSON.parse(await readFile(cacheFile, 'utf8')).fetchedAt).toBe(T0 + seconds(100));
  });

  it.each<[string, (file: string, issuerUrl: string) => string]>([
    ['not JSON', () => '{"version":1, "issuer": '],
    ['JSON of another shape', () => JSON.stringify({ keys: [] })],
    ['written for another issuer', (file) => JSON.stringify({ ...JSON.parse(file), issuer: 'https://other.example' })],
    ['older than max-age + maxStaleSeconds', (file) => JSON.stringify({ ...JSON.parse(file), fetchedAt: T0 - seconds(600 + 86_400 + 1) })],
    ['without a usable key', (file) => JSON.stringify({ ...JSON.parse(file), jwks: { keys: [{ kty: 'EC', kid: 'x' }] } })],
  ])('a file %s is ignored with an event, never fatal, and replaced', async (_reason, corrupt) => {
    const cacheFile = join(await tempDir(), 'jwks.json');
    const first = verifierFor({ cacheFile });
    await first.warmUp();
    first.close();
    await writeFile(cacheFile, corrupt(await readFile(cacheFile, 'utf8'), issuer.issuer));

    const ignored = log.next('jwks:file-ignored');
    const restarted = verifierFor({ cacheFile });
    await restarted.warmUp();
    expect((await ignored).reason).toBeTruthy();
    expect(log.ofType('jwks:loaded-from-file')).toHaveLength(0);
    await expect(restarted.verifyAccessToken(tokenBy(key))).resolves.toMatchObject({ kind: 'access' });
    expect(issuer.requests.jwks).toBe(2); // fetched from the issuer instead
    expect(JSON.parse(await readFile(cacheFile, 'utf8'))).toMatchObject({ version: 1, issuer: issuer.issuer });
  });

  it('a corrupt file with a dead issuer leaves the verifier unavailable, not crashed', async () => {
    const cacheFile = join(await tempDir(), 'jwks.json');
    await writeFile(cacheFile, 'garbage');
    await issuer.stop();
    const verifier = verifierFor({ cacheFile });
    expect(await codeOf(verifier.warmUp())).toBe('ERR_JWKS_UNAVAILABLE');
    expect(log.ofType('jwks:file-ignored')).toHaveLength(1);
  });

  it('writes atomically (no temporary file left) and reports a failed write without failing verification', async () => {
    const dir = await tempDir();
    const good = verifierFor({ cacheFile: join(dir, 'jwks.json') });
    await good.warmUp();
    expect(await readdir(dir)).toEqual(['jwks.json']);

    await writeFile(join(dir, 'not-a-dir'), '');
    const failed = log.next('jwks:file-write-failed');
    const unwritable = verifierFor({ cacheFile: join(dir, 'not-a-dir', 'jwks.json') });
    await unwritable.warmUp();
    expect((await failed).error).toBeTruthy();
    await expect(unwritable.verifyAccessToken(tokenBy(key))).resolves.toMatchObject({ kind: 'access' });
  });
});

describe('discovery and key import', () => {
  it('refuses a discovery document whose issuer is not exactly ours', async () => {
    issuer.discoveryIssuer = `${issuer.issuer}/`;
    const verifier = verifierFor();
    const err = await verifier.warmUp().then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_JWKS_UNAVAILABLE' });
    expect((err as Error).message).toMatch(/"issuer" does not match/);
    expect(issuer.requests.jwks).toBe(0);
  });

  it('skips discovery when jwksUri is given', async () => {
    const verifier = verifierFor({}, { jwksUri: issuer.jwksUri });
    await verifier.warmUp();
    expect(issuer.requests).toEqual({ discovery: 0, jwks: 1, other: 0 });
  });

  it('imports only RSA keys usable for RS256 signatures', async () => {
    const ec = { kty: 'EC', crv: 'P-256', kid: 'ec', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' };
    const rsaPrivate = { ...newKey.jwk, kid: 'with-d', d: 'AQAB' };
    issuer.jwks = {
      keys: [
        { ...newKey.jwk, kid: 'enc', use: 'enc' },
        { ...newKey.jwk, kid: 'rs512', alg: 'RS512' },
        { ...newKey.jwk, kid: 'encrypt-only', key_ops: ['encrypt'] },
        ec,
        rsaPrivate,
        smallKey.jwk,
        'not a key',
        key.jwk,
        { ...newKey.jwk, kid: 'key-1' }, // a second key-1: the first one wins
      ],
    };
    const refreshed = log.next('jwks:refreshed');
    const verifier = verifierFor();
    await verifier.warmUp();
    expect((await refreshed).kids).toEqual(['key-1']);
    await expect(verifier.verifyAccessToken(tokenBy(key))).resolves.toMatchObject({ kind: 'access' });
    for (const kid of ['enc', 'rs512', 'encrypt-only', 'with-d']) {
      expect(await codeOf(verifier.verifyAccessToken(tokenBy(newKey, kid)))).toBe('ERR_TOKEN_KEY_UNKNOWN');
    }
    expect(await codeOf(verifier.verifyAccessToken(tokenBy(smallKey)))).toBe('ERR_TOKEN_KEY_UNKNOWN');
  });
});

describe('once warm', () => {
  it('makes zero network requests per verification (counted through the injected fetch)', async () => {
    let fetchCalls = 0;
    const countingFetch: typeof fetch = (input, init) => {
      fetchCalls++;
      return fetch(input, init);
    };
    const verifier = verifierFor({}, { fetch: countingFetch });
    await verifier.warmUp();
    expect(fetchCalls).toBe(2);
    const token = tokenBy(key);
    for (let i = 0; i < 500; i++) {
      clock += 100; // 50 s in all: inside max-age
      await verifier.verifyAccessToken(token);
    }
    expect(fetchCalls).toBe(2);
    expect(verifier.stats()).toEqual({ networkRequests: 2, jwksFetches: 1, jwksNotModified: 0, jwksFailures: 0, unknownKidRefetches: 0 });
  });

  it('verifies without warmUp too: the first verification fetches, the rest do not', async () => {
    const verifier = verifierFor();
    const results = await Promise.all(Array.from({ length: 20 }, () => verifier.verifyAccessToken(tokenBy(key))));
    expect(results).toHaveLength(20);
    expect(issuer.requests).toEqual({ discovery: 1, jwks: 1, other: 0 });
  });

  it('after close(), never touches the network again', async () => {
    const verifier = verifierFor({ maxStaleSeconds: 60 });
    await verifier.warmUp();
    verifier.close();
    clock += seconds(590);
    await expect(verifier.verifyAccessToken(tokenBy(key))).resolves.toMatchObject({ kind: 'access' });
    expect(await codeOf(verifier.verifyAccessToken(tokenBy(newKey)))).toBe('ERR_TOKEN_KEY_UNKNOWN');
    clock += seconds(100);
    expect(await codeOf(verifier.verifyAccessToken(tokenBy(key)))).toBe('ERR_JWKS_UNAVAILABLE');
    expect(verifier.stats().networkRequests).toBe(2);
  });

  it('a throwing event listener does not break the cache', async () => {
    const verifier = createVerifier({
      issuer: issuer.issuer, audience: AUDIENCE, now: () => clock, onEvent: () => { throw new Error('listener bug'); },
    });
    verifiers.push(verifier);
    await verifier.warmUp();
    await expect(verifier.verifyAccessToken(tokenBy(key))).resolves.toMatchObject({ kind: 'access' });
  });
});
