import { createVerifier, isRpError, Verifier } from '@tessera/rp';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Cluster, Instance, keySchedules, startClusterOnOwnDatabase } from './cluster';
import { RegisteredClient } from './harness';
import { waitUntil } from './rp-probe';
import { postForm } from './sign-in';

/** STATUS_LIST_TTL: a revoked token may be accepted for this long (plus 1 s of `Age` rounding). */
const TTL = 2;
const REVOCATION_BOUND_MS = (TTL + 1) * 1000;
/** How long the stream of verifications runs, and when the two rotations begin. */
const LOAD_MS = 24_000;
const ROTATIONS_AT_MS = [4_000, 12_000];
/** Revocations stop this long before the end, so every revoked token is checked past its bound. */
const LAST_REVOCATION_MS = LOAD_MS - REVOCATION_BOUND_MS - 2_000;
const ISSUE_EVERY_MS = 150;
const REVOKE_EVERY_MS = 600;
const VERIFYING_WORKERS = 2;
const ARTIFACT = join(__dirname, '..', '..', 'test-artifacts', 'verify-under-rotation.json');

/** What the test knows about one access token: the ledger the verifier's answers are judged by. */
interface Entry {
  token: string;
  /** `exp`, in epoch milliseconds. */
  expiresAt: number;
  /** When the revocation request was sent, and when its 200 came back. */
  revokeSentAt?: number;
  revokedAt?: number;
  /** The last verification that accepted it after its revocation, and since when it has been refused. */
  acceptedAfterRevocationUntil?: number;
  refusedSince?: number;
}

interface WrongAnswer {
  at: number;
  kid: string;
  answer: string;
  why: string;
}

/**
 * Issue 4: a partner verifies a steady stream of access tokens offline with libs/rp (status list
 * strict) while the keys rotate twice and tokens are revoked (RFC 7009), all through a load balancer
 * that alternates between two token services over one database. Zero wrong answers: no valid token
 * refused, no revoked token accepted later than its revocation plus one status list ttl (+1 s).
 */
describe('libs/rp under load across two instances while keys rotate twice and tokens are revoked (issue 4)', () => {
  let cluster: Cluster;
  let client: RegisteredClient;
  let verifier: Verifier | undefined;

  beforeAll(async () => {
    cluster = await startClusterOnOwnDatabase({ JWKS_MAX_AGE: '1', STATUS_LIST_TTL: String(TTL), RATE_LIMIT_ENABLED: 'false' });
    client = await cluster.provider.registerClient({ redirect_uris: ['https://partner.example/callback'], grant_types: ['client_credentials'] });
  });
  afterAll(async () => {
    verifier?.close();
    jest.restoreAllMocks();
    await cluster?.close();
  });

  it('gives zero wrong answers, and refuses each revoked token within ttl + 1 s', async () => {
    cluster.issuerRouter.sendTo('alternate');
    const basic = { clientId: client.clientId, clientSecret: client.clientSecret! };
    const schedules = keySchedules(cluster);
    const { keys } = schedules;
    verifier = createVerifier({
      issuer: cluster.issuer, audience: client.clientId, statusList: { mode: 'strict' },
      // A partner that honours the one-second JWKS max-age of this cluster (libs/rp's floor is 30 s).
      jwks: { minMaxAgeSeconds: 1 },
    });
    const v = verifier;

    const ledger: Entry[] = [];
    const wrong: WrongAnswer[] = [];
    const kidsAccepted = new Set<string>();
    let verifications = 0;
    let revocations = 0;
    const start = Date.now();
    const elapsed = () => Date.now() - start;
    const loading = () => elapsed() < LOAD_MS;

    const issue = async () => {
      const res = await postForm(`${cluster.issuer}/oauth2/token`, { grant_type: 'client_credentials' }, basic);
      if (res.status !== 200) throw new Error(`the token endpoint answered ${res.status}: ${JSON.stringify(res.body)}`);
      const token = res.body.access_token as string;
      ledger.push({ token, expiresAt: decodeJwt(token).exp! * 1000 });
    };

    /** One verification, judged against the ledger as it stood when it began. */
    const verify = async (entry: Entry) => {
      const at = Date.now();
      const kid = decodeProtectedHeader(entry.token).kid!;
      verifications++;
      try {
        const { header } = await v.verifyAccessToken(entry.token);
        kidsAccepted.add(header.kid);
        if (entry.revokedAt !== undefined && at > entry.revokedAt) {
          entry.acceptedAfterRevocationUntil = at;
          entry.refusedSince = undefined;
          if (at > entry.revokedAt + REVOCATION_BOUND_MS) {
            wrong.push({ at: at - start, kid, answer: 'accepted', why: `revoked ${at - entry.revokedAt} ms before` });
          }
        }
      } catch (err) {
        const code = isRpError(err) ? err.code : String(err);
        if (code === 'ERR_TOKEN_REVOKED' && entry.revokeSentAt !== undefined) {
          entry.refusedSince ??= at;
        } else if (at < entry.expiresAt) {
          wrong.push({ at: at - start, kid, answer: code, why: entry.revokeSentAt === undefined ? 'never revoked' : 'revoked, but refused for another reason' });
        }
      }
    };

    // Half the verifications are of tokens revoked lately, so each revocation is watched closely;
    // the others of any token so far, old keys' tokens and long-revoked ones included.
    const recentlyRevoked = () => ledger.filter((e) => e.revokedAt !== undefined && Date.now() < e.revokedAt + REVOCATION_BOUND_MS + 1000);
    const verifyContinuously = async () => {
      for (let i = 0; loading(); i++) {
        const recent = i % 2 === 0 ? recentlyRevoked() : [];
        const pool = recent.length > 0 ? recent : ledger;
        await verify(pool[Math.floor(Math.random() * pool.length)]!);
        // A breath for the servers, which share this process.
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    };
    const issueContinuously = async () => {
      while (loading()) {
        await issue();
        await new Promise((resolve) => setTimeout(resolve, ISSUE_EVERY_MS));
      }
    };
    const revokeAtIntervals = async () => {
      while (elapsed() < LAST_REVOCATION_MS) {
        await new Promise((resolve) => setTimeout(resolve, REVOKE_EVERY_MS));
        const candidates = ledger.filter((e) => e.revokeSentAt === undefined);
        const entry = candidates[Math.floor(Math.random() * candidates.length)]!;
        entry.revokeSentAt = Date.now();
        const res = await postForm(`${cluster.issuer}/oauth2/revoke`, { token: entry.token, token_type_hint: 'access_token' }, basic);
        if (res.status !== 200) throw new Error(`the revocation endpoint answered ${res.status}`);
        entry.revokedAt = Date.now();
        revocations++;
      }
    };
    /**
     * A scheduled rotation with the work split across the instances: `publisher` publishes the next
     * key and the other re-reads (as its reload timer would); once the partner's one-second JWKS cache
     * has been refetched twice (the lead time, compressed: its real length is JWKS_MAX_AGE plus
     * margins), the schedule's clocks pass the lead time and the other instance activates the key.
     */
    const rotate = async (publisher: Instance): Promise<string> => {
      const other: Instance = publisher === 'A' ? 'B' : 'A';
      const next = await keys[publisher].publishNextKey();
      await keys[other].reload();
      const fetched = () => v.stats().jwksFetches + v.stats().jwksNotModified;
      const before = fetched();
      await waitUntil('the partner to refetch the JWKS twice', () => fetched() >= before + 2);
      schedules.passTime(keys[publisher].schedulePolicy.leadTimeMs);
      await keys[other].advance();
      await keys[publisher].reload();
      expect([keys.A.activeKid, keys.B.activeKid]).toEqual([next.kid, next.kid]);
      return next.kid;
    };
    const rotateOnTime = async () => {
      const rotated: string[] = [];
      for (const [n, at] of ROTATIONS_AT_MS.entries()) {
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - elapsed())));
        rotated.push(await rotate(n % 2 === 0 ? 'A' : 'B'));
      }
      return rotated;
    };

    const firstKid = keys.A.activeKid;
    for (let i = 0; i < 10; i++) await issue();
    const [rotated] = await Promise.all([
      rotateOnTime(),
      revokeAtIntervals(),
      issueContinuously(),
      ...Array.from({ length: VERIFYING_WORKERS }, verifyContinuously),
    ]);
    // Every token once more, now that each revocation is older than the bound.
    const lastRevokedAt = Math.max(...ledger.map((e) => e.revokedAt ?? 0));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, lastRevokedAt + REVOCATION_BOUND_MS + 100 - Date.now())));
    for (const entry of ledger) await verify(entry);

    const revoked = ledger.filter((e) => e.revokedAt !== undefined);
    const delays = revoked.map((e) => ({
      stillAcceptedMs: e.acceptedAfterRevocationUntil === undefined ? 0 : e.acceptedAfterRevocationUntil - e.revokedAt!,
      refusedFromMs: e.refusedSince === undefined ? undefined : Math.max(0, e.refusedSince - e.revokedAt!),
    }));
    const report = {
      wrongAnswers: wrong.length,
      verifications,
      tokensIssued: ledger.length,
      revocations,
      rotations: rotated.length,
      kidsAccepted: kidsAccepted.size,
      maxRevocationDelayMs: Math.max(...delays.map((d) => d.refusedFromMs ?? Infinity)),
      maxStillAcceptedAfterRevocationMs: Math.max(...delays.map((d) => d.stillAcceptedMs)),
      statusListTtlSeconds: TTL,
      verifier: v.stats(),
      requestsPerInstance: { A: cluster.issuerRouter.log.filter((r) => r.instance === 'A').length, B: cluster.issuerRouter.log.filter((r) => r.instance === 'B').length },
      wrong: wrong.slice(0, 20),
    };
    await mkdir(join(ARTIFACT, '..'), { recursive: true });
    await writeFile(ARTIFACT, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`verify under rotation: ${JSON.stringify({ ...report, wrong: undefined })}\n`);

    // The count and the first few, not thousands of lines, when the check is broken.
    expect({ wrongAnswers: wrong.length, first: wrong.slice(0, 5) }).toEqual({ wrongAnswers: 0, first: [] });
    expect(rotated).toHaveLength(2);
    expect([...kidsAccepted].sort()).toEqual([firstKid, ...rotated].sort());
    expect(revocations).toBeGreaterThanOrEqual(5);
    expect(delays.every((d) => d.refusedFromMs !== undefined)).toBe(true);
    expect(v.stats()).toMatchObject({ unknownKidRefetches: 0, jwksFailures: 0, statusListFailures: 0 });
    expect(cluster.issuerRouter.log.filter((r) => r.status >= 500)).toEqual([]);
  }, 120_000);
});
