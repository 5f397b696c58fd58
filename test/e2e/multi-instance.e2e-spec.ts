import { createVerifier, isRpError, Verifier } from '@tessera/rp';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { inflateSync } from 'node:zlib';
import * as oidc from 'openid-client';
import { Browser } from './browser';
import { Cluster, Instance, keySchedules, RoutedRequest, startClusterOnOwnDatabase } from './cluster';
import { RegisteredClient, TestUser } from './harness';
import { waitUntil } from './rp-probe';
import { authRequest, postForm } from './sign-in';

const TTL = 2;
const REDIRECT_URI = 'https://partner.example/callback';

/**
 * Issue 4: both apps are stateless over the shared database. One sign-in and the life of its tokens,
 * each step on another instance of two token services and two login UIs (SQLite: one file, which
 * both processes open in WAL mode; MariaDB: one database), with a key rotation in the middle.
 */
describe('two token services and two login UIs over one database: every step of a flow on another instance (issue 4)', () => {
  let cluster: Cluster;
  let client: RegisteredClient;
  let user: TestUser;
  let verifier: Verifier | undefined;

  beforeAll(async () => {
    cluster = await startClusterOnOwnDatabase({ JWKS_MAX_AGE: '1', STATUS_LIST_TTL: String(TTL) });
    client = await cluster.provider.registerClient({
      redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
    });
    user = await cluster.provider.createUser();
  });
  afterAll(async () => {
    verifier?.close();
    jest.restoreAllMocks();
    await cluster?.close();
  });

  /** Sends the next requests to the issuer to `issuerAt` and those to the login UI to `loginUiAt`. */
  const route = (issuerAt: Instance, loginUiAt: Instance = issuerAt) => {
    cluster.issuerRouter.sendTo(issuerAt);
    cluster.loginUiRouter.sendTo(loginUiAt);
  };
  /**
   * Where each request of the flow since `from` landed, as `instance method path`. The partner's
   * verifier fetches the JWKS and status lists in the background whenever its cache runs out: those
   * are not steps of the flow.
   */
  const landed = (log: RoutedRequest[], from: number) => log.slice(from)
    .map((r) => ({ ...r, path: new URL(r.url, 'http://router').pathname }))
    .filter((r) => !r.path.startsWith('/.well-known/') && !r.path.startsWith('/oauth2/status-lists/'))
    .map((r) => `${r.instance} ${r.method} ${r.path}`);
  const basic = () => ({ clientId: client.clientId, clientSecret: client.clientSecret! });
  const kidOf = (token: string) => decodeProtectedHeader(token).kid!;

  it('authorize on A, sign-in on login UI B, consent on A, token on B, refresh on A, rotation, refresh on B, revoke on B, status on A', async () => {
    const issuerLog = cluster.issuerRouter.log;
    const loginUiLog = cluster.loginUiRouter.log;
    const browser = new Browser(cluster.provider.origins);
    const request = await authRequest(client);

    // The authorization request on A; the login form on login UI B, which reads A's challenge through B.
    route('A', 'B');
    let [i, u] = [issuerLog.length, loginUiLog.length];
    const loginPage = await browser.get(request.url);
    expect(loginPage.document().querySelector('form input[name="password"]')).not.toBeNull();
    expect(landed(issuerLog, i)).toEqual(['A GET /oauth2/authorize']);
    expect(landed(loginUiLog, u)).toEqual(['B GET /login']);

    // The form B rendered is posted to login UI A (same CSRF secret), which accepts through token
    // service A; the login verifier comes back to B, and the consent page is login UI A's.
    route('B', 'A');
    [i, u] = [issuerLog.length, loginUiLog.length];
    const consentPage = await browser.submit(loginPage, undefined, { username: user.username, password: user.password }, 'Sign in');
    expect(consentPage.status).toBe(200);
    expect(landed(loginUiLog, u)).toEqual(['A POST /login', 'A GET /consent']);
    expect(landed(issuerLog, i)).toEqual(['B GET /oauth2/authorize/resume']);

    // Consent given on login UI B (accepted through token service B), finished by token service A.
    route('A', 'B');
    [i, u] = [issuerLog.length, loginUiLog.length];
    const done = await browser.submit(consentPage, undefined, {}, 'Allow');
    expect(landed(loginUiLog, u)).toEqual(['B POST /consent']);
    expect(landed(issuerLog, i)).toEqual(['A GET /oauth2/authorize/resume']);
    const callback = done.redirectedTo!;
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
    expect(callback.searchParams.get('iss')).toBe(cluster.issuer);

    // The code from A redeemed on B; a partner verifying offline, through whichever instance is routed to.
    route('B');
    i = issuerLog.length;
    const tokens = await oidc.authorizationCodeGrant(client.config, callback, {
      pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce, idTokenExpected: true,
    });
    expect(landed(issuerLog, i)).toEqual(['B POST /oauth2/token']);
    verifier = createVerifier({
      issuer: cluster.issuer, audience: client.clientId, statusList: { mode: 'strict' },
      // A partner that honours the one-second JWKS max-age of this cluster (libs/rp's floor is 30 s).
      jwks: { minMaxAgeSeconds: 1 },
    });
    const v = verifier;
    await expect(v.verifyAccessToken(tokens.access_token)).resolves.toMatchObject({ claims: { sub: expect.any(String) } });
    await expect(v.verifyIdToken(tokens.id_token!, { nonce: request.nonce })).resolves.toBeDefined();

    // Refresh on A: the refresh token B issued is known to A.
    route('A');
    i = issuerLog.length;
    const first = await oidc.refreshTokenGrant(client.config, tokens.refresh_token!);
    expect(landed(issuerLog, i)).toEqual(['A POST /oauth2/token']);
    await v.verifyAccessToken(first.access_token);
    const oldKid = kidOf(first.access_token);

    // A scheduled rotation across the instances. Both schedule clocks move together, as the servers'
    // real clocks would; A publishes the next key, and B picks it up on its reload (its timer does
    // within RELOAD_INTERVAL_SECONDS, counted in the lead time; here at once).
    const schedules = keySchedules(cluster);
    const { keys } = schedules;
    const next = await keys.A.publishNextKey();
    expect(next.created).toBe(true);
    await keys.B.reload();
    for (const instance of ['A', 'B'] as const) {
      route(instance);
      const published = (await (await fetch(`${cluster.issuer}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
      expect(published.keys.map((k) => k.kid)).toEqual([oldKid, next.kid]);
    }
    // The partner's cached JWKS must hold the next key before it signs: keep verifying (on the real
    // clock) until it has refetched twice, its one-second cache being newer than the publication.
    route('A');
    const fetchesBefore = v.stats().jwksFetches + v.stats().jwksNotModified;
    await waitUntil('the partner to refetch the JWKS twice', () => v.stats().jwksFetches + v.stats().jwksNotModified >= fetchesBefore + 2, {
      meanwhile: async () => { await v.verifyAccessToken(first.access_token); },
    });
    // The lead time passes; B's advance activates the key (exactly one instance does), A re-reads.
    schedules.passTime(keys.B.schedulePolicy.leadTimeMs);
    const activation = await keys.B.advance();
    expect(activation.updates).toEqual(expect.arrayContaining([
      expect.objectContaining({ kid: next.kid, state: 'active' }), expect.objectContaining({ kid: oldKid, state: 'retired' }),
    ]));
    expect((await keys.A.advance()).updates).toEqual([]);
    await keys.A.reload();
    expect([keys.A.activeKid, keys.B.activeKid]).toEqual([next.kid, next.kid]);

    // Refresh on B signs with the new key; the partner accepts the old key's token and the new one
    // without ever meeting an unknown kid.
    route('B');
    i = issuerLog.length;
    const second = await oidc.refreshTokenGrant(client.config, first.refresh_token!);
    expect(landed(issuerLog, i)).toEqual(['B POST /oauth2/token']);
    expect(kidOf(second.access_token)).toBe(next.kid);
    await expect(v.verifyAccessToken(second.access_token)).resolves.toMatchObject({ header: { kid: next.kid } });
    await expect(v.verifyAccessToken(first.access_token)).resolves.toMatchObject({ header: { kid: oldKid } });
    expect(v.stats()).toMatchObject({ unknownKidRefetches: 0, jwksFailures: 0, statusListFailures: 0 });

    // Revocation on B (RFC 7009: the refresh token ends its whole grant).
    const revoked = await postForm(`${cluster.issuer}/oauth2/revoke`, { token: second.refresh_token!, token_type_hint: 'refresh_token' }, basic());
    expect(revoked.status).toBe(200);
    const revokedAt = Date.now();
    expect(landed(issuerLog, i).at(-1)).toBe('B POST /oauth2/revoke');

    // The status list as A serves it shows the bit within one ttl; the partner refuses the token.
    route('A');
    i = issuerLog.length;
    let bit = 0;
    await waitUntil('the revoked bit in the status list served by A', () => bit === 1, {
      timeoutMs: (TTL + 2) * 1000,
      meanwhile: async () => { bit = await statusBit(second.access_token); },
    });
    expect(Date.now() - revokedAt).toBeLessThanOrEqual((TTL + 1) * 1000);
    let refusal: string | undefined;
    await waitUntil('the partner to refuse the revoked token', () => refusal !== undefined, {
      timeoutMs: (TTL + 2) * 1000,
      meanwhile: async () => {
        await v.verifyAccessToken(second.access_token).catch((err: unknown) => { refusal = isRpError(err) ? err.code : String(err); });
      },
    });
    expect(refusal).toBe('ERR_TOKEN_REVOKED');
    process.stdout.write(`multi-instance: revoked on B, refused by the offline verifier ${Date.now() - revokedAt} ms later (ttl ${TTL} s)\n`);
    await expect(v.verifyAccessToken(first.access_token)).rejects.toMatchObject({ code: 'ERR_TOKEN_REVOKED' });

    // Introspection on A: inactive, the access token and the refresh token alike; the refresh token is refused.
    for (const token of [second.access_token, second.refresh_token!]) {
      const introspected = await postForm(`${cluster.issuer}/oauth2/introspect`, { token }, basic());
      expect(introspected).toMatchObject({ status: 200, body: { active: false } });
    }
    const refused = await postForm(`${cluster.issuer}/oauth2/token`, { grant_type: 'refresh_token', refresh_token: second.refresh_token! }, basic());
    expect(refused.body.error).toBe('invalid_grant');
    expect(new Set(landed(issuerLog, i).map((line) => line.split(' ')[0]))).toEqual(new Set(['A']));

    // No failure anywhere: no answer of 500 or more, and both instances of each app did work.
    for (const log of [issuerLog, loginUiLog]) {
      expect(log.filter((r) => r.status >= 500)).toEqual([]);
      expect(new Set(log.map((r) => r.instance))).toEqual(new Set(['A', 'B']));
    }
  });
});

/** The entry of an access token in its status list, as fetched through the issuer router now. */
async function statusBit(accessToken: string): Promise<number> {
  const { idx, uri } = (decodeJwt(accessToken) as { status: { status_list: { idx: number; uri: string } } }).status.status_list;
  const res = await fetch(uri);
  expect(res.status).toBe(200);
  const { status_list: list } = decodeJwt(await res.text()) as { status_list: { bits: number; lst: string } };
  const position = idx * list.bits;
  return (inflateSync(Buffer.from(list.lst, 'base64url'))[position >> 3]! >> (position & 7)) & ((1 << list.bits) - 1);
}
