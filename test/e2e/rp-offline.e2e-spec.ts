import { createVerifier, isRpError, JwksCacheOptions, Verifier } from '@tessera/rp';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import * as oidc from 'openid-client';
import { Browser } from './browser';
import { Provider, RegisteredClient, startProvider } from './harness';
import { countingFetch, eventLog, waitUntil } from './rp-probe';
import { codeFlow } from './sign-in';

const REDIRECT_URI = 'https://partner.example/callback';
// A cache that goes stale within seconds (the issuer's own max-age is 300 s), retries a down issuer
// every second at most, and may serve stale keys for an hour: an outage plays out within one test.
const FAST_CACHE: JwksCacheOptions = {
  minMaxAgeSeconds: 1,
  maxMaxAgeSeconds: 2,
  refreshMarginSeconds: 0,
  unknownKidCooldownSeconds: 1,
  maxStaleSeconds: 3600,
  timeoutMs: 2000,
};

describe('libs/rp keeps verifying while Tessera is down (issue 3)', () => {
  let provider: Provider;
  let client: RegisteredClient;
  let tokens: { accessToken: string; idToken: string; nonce: string };
  let tmp: string;
  const verifiers: Verifier[] = [];

  const verifier = (options: { fetch?: typeof fetch; onEvent?: Parameters<typeof createVerifier>[0]['onEvent']; cacheFile?: string } = {}) => {
    const made = createVerifier({
      issuer: provider.issuer,
      audience: client.clientId,
      fetch: options.fetch,
      onEvent: options.onEvent,
      jwks: { ...FAST_CACHE, cacheFile: options.cacheFile },
    });
    verifiers.push(made);
    return made;
  };

  /** Verifies the person's access and ID tokens; answers the error codes of any that failed. */
  const verifyBoth = async (v: Verifier): Promise<string[]> => {
    const results = await Promise.allSettled([v.verifyAccessToken(tokens.accessToken), v.verifyIdToken(tokens.idToken, { nonce: tokens.nonce })]);
    return results.flatMap((r) => (r.status === 'rejected' ? [isRpError(r.reason) ? r.reason.code : String(r.reason)] : []));
  };

  /** An access token exactly like Tessera's, for this client, signed by a key Tessera never had. */
  const forgedAccessToken = async (): Promise<string> => {
    const { privateKey } = await generateKeyPair('RS256');
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ ...decodeJwt(tokens.accessToken), iat: now, exp: now + 600 })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: randomBytes(32).toString('base64url') })
      .sign(privateKey);
  };

  /** Runs `during` with the token service down, and always brings it back. */
  const whileIssuerDown = async (during: () => Promise<void>): Promise<void> => {
    await provider.stopTokenService();
    try {
      await during();
    } finally {
      await provider.startTokenServiceAgain();
    }
  };

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'tessera-rp-offline-'));
    provider = await startProvider();
    client = await provider.registerClient({
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'client_credentials'],
      response_types: ['code'],
    });
    const { request, tokens: issued } = await codeFlow(new Browser(provider.origins), client, await provider.createUser());
    tokens = { accessToken: issued.access_token, idToken: issued.id_token!, nonce: request.nonce };
  });
  afterEach(() => {
    verifiers.splice(0).forEach((v) => v.close());
  });
  afterAll(async () => {
    await provider?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('verifies from the cache with no request per verification, keeps verifying with stale keys while the issuer is down, and refreshes once it is back', async () => {
    const network = countingFetch();
    const log = eventLog();
    const v = verifier({ fetch: network.fetch, onEvent: log.onEvent });
    await v.warmUp();
    // Discovery, then the JWKS.
    expect(network.requests()).toBe(2);
    // Every later request is a refresh of the set (this cache's max-age is 2 s); none is a verification's.
    const refreshes = () => { const s = v.stats(); return s.jwksFetches + s.jwksNotModified + s.jwksFailures; };
    const before = { requests: network.requests(), refreshes: refreshes() };
    for (let i = 0; i < 25; i++) expect(await verifyBoth(v)).toEqual([]);
    expect(network.requests() - before.requests).toBe(refreshes() - before.refreshes);

    const failed: string[] = [];
    let verified = 0;
    const keepVerifying = async () => {
      const codes = await verifyBoth(v);
      failed.push(...codes);
      verified += 2 - codes.length;
    };

    await whileIssuerDown(async () => {
      const down = log.events.length;
      // The cached set outlives its max-age; the background refresh fails and says it serves stale keys.
      await waitUntil('a jwks:stale event', () => log.since(down, 'jwks:stale').length > 0, { meanwhile: keepVerifying });
      await keepVerifying();
      expect(failed).toEqual([]);
      expect(verified).toBeGreaterThan(0);
      // The verifier did try the issuer, and could not reach it.
      expect(network.failures()).toBeGreaterThan(0);
      expect(v.stats().jwksFailures).toBeGreaterThan(0);
      expect(log.since(down, 'jwks:error')).toEqual([]);
    });

    const back = log.events.length;
    const notModifiedBefore = v.stats().jwksNotModified;
    await waitUntil('a successful refresh after the restart', () => log.since(back).some((e) => e.type === 'jwks:not-modified' || e.type === 'jwks:refreshed'), {
      meanwhile: keepVerifying,
    });
    expect(failed).toEqual([]);
    // Same keys after the restart: the conditional request (If-None-Match) is answered 304.
    expect(v.stats().jwksNotModified).toBeGreaterThan(notModifiedBefore);
    // And a token issued by the restarted service verifies.
    const { access_token: fresh } = await oidc.clientCredentialsGrant(client.config);
    await expect(v.verifyAccessToken(fresh)).resolves.toMatchObject({ kind: 'access', claims: { sub: client.clientId } });
  });

  it('a partner restarting while the issuer is down verifies with the JWKS it persisted', async () => {
    const cacheFile = join(tmp, `jwks-${randomBytes(4).toString('hex')}.json`);
    const before = verifier({ cacheFile });
    await before.warmUp();
    expect(await verifyBoth(before)).toEqual([]);
    before.close();
    const persisted = JSON.parse(await readFile(cacheFile, 'utf8')) as { issuer: string; jwks: { keys: { kid: string }[] } };
    expect(persisted.issuer).toBe(provider.issuer);
    expect(persisted.jwks.keys.map((k) => k.kid)).toContain(decodeProtectedHeader(tokens.accessToken).kid);

    await whileIssuerDown(async () => {
      const network = countingFetch();
      const log = eventLog();
      const restarted = verifier({ cacheFile, fetch: network.fetch, onEvent: log.onEvent });
      await restarted.warmUp();
      expect(log.events.map((e) => e.type)).toContain('jwks:loaded-from-file');
      expect(await verifyBoth(restarted)).toEqual([]);
      // It revalidates the file's keys in the background, cannot reach the issuer, and keeps verifying.
      await waitUntil('a failed revalidation', () => restarted.stats().jwksFailures > 0);
      expect(await verifyBoth(restarted)).toEqual([]);
      expect(restarted.stats().jwksFetches).toBe(0);
      expect(network.failures()).toBeGreaterThan(0);
      // Keys from a file are no more trusting: a key it has not seen is still refused.
      const error = await restarted.verifyAccessToken(await forgedAccessToken()).catch((e: unknown) => e);
      expect(isRpError(error) && error.code).toBe('ERR_TOKEN_KEY_UNKNOWN');
    });
  });

  it('refuses a token signed by a key it has not seen while the issuer is down, and still once it is back', async () => {
    const log = eventLog();
    const v = verifier({ onEvent: log.onEvent });
    await v.warmUp();
    const forged = await forgedAccessToken();

    await whileIssuerDown(async () => {
      const before = v.stats();
      const codes = new Set<string>();
      const tryForged = async () => {
        const error = await v.verifyAccessToken(forged).then(() => undefined, (e: unknown) => e);
        codes.add(isRpError(error) ? error.code : `not refused as an RpError: ${String(error)}`);
        // Tokens signed by the cached keys verify all the while.
        expect(await verifyBoth(v)).toEqual([]);
      };
      await tryForged();
      // The kit asks the issuer about an unknown kid (once per cooldown, and not while it backs off
      // after a failed refresh, which is why this may take a second try).
      await waitUntil('an unknown-kid refetch while the issuer is down', () => v.stats().unknownKidRefetches > before.unknownKidRefetches, {
        meanwhile: tryForged,
      });
      expect(v.stats().jwksFailures).toBeGreaterThan(before.jwksFailures);
      // Refused as an unknown key, not "keys unavailable": the cached set is still usable, the kid is
      // not in it, and the refetch for it could not reach the issuer. A rotated-in key and a forged
      // one look the same from here; neither is taken on trust.
      expect([...codes]).toEqual(['ERR_TOKEN_KEY_UNKNOWN']);
    });

    const back = log.events.length;
    await waitUntil('a successful refresh after the restart', () => log.since(back).some((e) => e.type === 'jwks:not-modified' || e.type === 'jwks:refreshed'));
    const error = await v.verifyAccessToken(forged).catch((e: unknown) => e);
    expect(isRpError(error) && error.code).toBe('ERR_TOKEN_KEY_UNKNOWN');
    expect(await verifyBoth(v)).toEqual([]);
  });
});
