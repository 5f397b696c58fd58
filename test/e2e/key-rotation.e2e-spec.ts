import { Clock } from '@tessera/abuse';
import { createVerifier, isRpError, Verifier } from '@tessera/rp';
import { decodeProtectedHeader } from 'jose';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { SigningKeys } from '../../apps/token-service/src/keys/signing-keys.service';
import { ScratchDatabase, scratchDatabase } from '../support/scratch-database';
import { Provider, RegisteredClient, startProvider } from './harness';
import { countingFetch } from './rp-probe';

/**
 * Two scheduled rotations, end to end: the token service publishes each next key before it signs,
 * and a libs/rp verifier that keeps verifying old and new tokens throughout never fails and never
 * meets an unknown kid. The schedule's clock (the app's Clock) is moved forward by the test; the
 * partner's JWKS cache runs on the real clock with a one-second max-age, so "a cache lifetime" passes
 * in about a second.
 */
describe('scheduled key rotation reaches libs/rp before the new key signs (issue 4)', () => {
  let tmp: string;
  let database: ScratchDatabase;
  let provider: Provider;
  let client: RegisteredClient;
  let verifier: Verifier | undefined;

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'tessera-key-rotation-'));
    database = await scratchDatabase(tmp);
    provider = await startProvider({ DATABASE_URL: database.url, JWKS_MAX_AGE: '1' });
    client = await provider.registerClient({ redirect_uris: ['https://partner.example/callback'], grant_types: ['client_credentials'] });
  });
  afterAll(async () => {
    verifier?.close();
    jest.restoreAllMocks();
    await provider?.close();
    await database?.drop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('verifies old and new tokens across two rotations with zero failures, and drops each key once its tokens have expired', async () => {
    const app = provider.tokenServiceApp;
    const keys = app.get(SigningKeys);
    let offset = 0;
    jest.spyOn(app.get(Clock), 'now').mockImplementation(() => Date.now() + offset);
    const { leadTimeMs, rotationPeriodMs, retentionMs } = keys.schedulePolicy;

    const network = countingFetch();
    // A partner that honours a one-second max-age (libs/rp's floor is 30 s by default).
    verifier = createVerifier({ issuer: provider.issuer, audience: client.clientId, fetch: network.fetch, jwks: { minMaxAgeSeconds: 1 } });
    const v = verifier;
    const kidOf = (token: string) => decodeProtectedHeader(token).kid!;
    const pool: string[] = [];
    const failures: { kid: string; code: string }[] = [];
    const verifiedKids = new Map<string, number>();
    const removedKids: string[] = [];
    let verifications = 0;
    /** `n` verifications: every other one of a token just issued, the rest of any issued so far. */
    const verifySome = async (n: number) => {
      for (let i = 0; i < n; i++, verifications++) {
        let token: string;
        if (i % 2 === 0 || pool.length === 0) {
          token = (await oidc.clientCredentialsGrant(client.config)).access_token;
          pool.push(token);
        } else {
          token = pool[Math.floor(Math.random() * pool.length)];
        }
        try {
          const { header } = await v.verifyAccessToken(token);
          verifiedKids.set(header.kid, (verifiedKids.get(header.kid) ?? 0) + 1);
        } catch (err) {
          failures.push({ kid: kidOf(token), code: isRpError(err) ? err.code : String(err) });
        }
      }
    };
    /** Keeps verifying until the partner has fetched the JWKS twice more: its cache is newer than now. */
    const verifyUntilPartnerRefetched = async () => {
      const from = network.requests();
      // Bounded by time, not by rounds: the JWKS max-age is 1 s, and a fast token endpoint finishes
      // any fixed number of rounds before two refetches are due.
      const giveUpAt = Date.now() + 10_000;
      while (Date.now() < giveUpAt && network.requests() < from + 2) await verifySome(4);
      expect(network.requests()).toBeGreaterThanOrEqual(from + 2);
    };
    const rotateOnSchedule = async () => {
      const active = keys.activeKid;
      // A lead time before the period ends: the next key is published, the active one still signs.
      offset += rotationPeriodMs - leadTimeMs;
      const published = await keys.advance();
      expect(published.create).toMatchObject({ state: 'next' });
      // By the schedule's clock, a key retired a period ago has outlived all its tokens and leaves the
      // JWKS now; on the real clock its tokens are still young, so stop presenting them.
      const removed = new Set(published.updates.filter((u) => u.state === 'removed').map((u) => u.kid));
      removedKids.push(...removed);
      pool.splice(0, pool.length, ...pool.filter((t) => !removed.has(kidOf(t))));
      expect(keys.activeKid).toBe(active);
      await verifyUntilPartnerRefetched();
      // The end of the period: it signs.
      offset += leadTimeMs;
      await keys.advance();
      expect(keys.activeKid).not.toBe(active);
      await verifySome(20);
      return keys.activeKid;
    };

    const first = keys.activeKid;
    await verifySome(20);
    const second = await rotateOnSchedule();
    const third = await rotateOnSchedule();

    expect(failures).toEqual([]);
    expect(v.stats()).toMatchObject({ unknownKidRefetches: 0, jwksFailures: 0 });
    expect([...verifiedKids.keys()].sort()).toEqual([first, second, third].sort());
    expect(verifications).toBeGreaterThan(60);
    // The first key left the JWKS when the second rotation began, a period after its retirement.
    expect(removedKids).toEqual([first]);

    // The served Cache-Control comes from the schedule: never beyond JWKS_MAX_AGE (1 s here).
    const response = await fetch(`${provider.issuer}/.well-known/jwks.json`);
    expect(response.headers.get('cache-control')).toMatch(/^public, max-age=[01]$/);
    expect(keys.jwksCacheControl()).toMatch(/^public, max-age=[01]$/);
    const kidsServed = async () => ((await (await fetch(`${provider.issuer}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    expect(await kidsServed()).toEqual([third, second]);

    // Once every token of the second key has expired (on the schedule's clock), it leaves the JWKS,
    // and the partner stops accepting what it signed as soon as its cache refreshes.
    const fromSecond = pool.find((t) => kidOf(t) === second)!;
    await expect(v.verifyAccessToken(fromSecond)).resolves.toBeDefined();
    offset += retentionMs;
    const removal = await keys.advance();
    expect(removal.updates).toEqual([expect.objectContaining({ kid: second, state: 'removed' })]);
    expect(await kidsServed()).toEqual([third]);
    pool.splice(0, pool.length, ...pool.filter((t) => kidOf(t) === third));
    await verifyUntilPartnerRefetched();
    await expect(v.verifyAccessToken(fromSecond)).rejects.toMatchObject({ code: 'ERR_TOKEN_KEY_UNKNOWN' });
    expect(failures).toEqual([]);
  });
});
