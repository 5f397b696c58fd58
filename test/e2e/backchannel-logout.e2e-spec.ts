/**
 * OIDC Back-Channel Logout 1.0 from the partners' side: each partner runs a receiver (a tiny HTTP
 * server, as a partner's back end would), registers it as its backchannel_logout_uri, and a person
 * signs in to several partners in one SSO session and signs out through RP-initiated logout.
 */
import { createRemoteJWKSet, decodeProtectedHeader, JWTPayload, jwtVerify } from 'jose';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import * as oidc from 'openid-client';
import { DataSource, In } from 'typeorm';
import { BackchannelDelivery } from '../../apps/token-service/src/logout/backchannel/backchannel-delivery.entity';
import { BackchannelDeliveryRepository } from '../../apps/token-service/src/logout/backchannel/backchannel-delivery.repository';
import { BackChannelLogout } from '../../apps/token-service/src/logout/backchannel/backchannel-logout.service';
import { freePorts, isPortTaken } from '../support/free-port';
import { Browser, Page } from './browser';
import { Provider, randomName, RegisteredClient, startProvider, TestUser } from './harness';
import { codeFlow } from './sign-in';

const POST_LOGOUT_URI = 'https://partner.example/signed-out';
const LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

type Answer = (req: IncomingMessage, res: ServerResponse, requestNumber: number) => void;

/** A partner's back-channel logout endpoint: keeps every logout token it was sent, answers as told. */
class Receiver {
  /** The logout token of every request, in order of arrival. */
  readonly tokens: string[] = [];
  /** How many requests have been answered (the answer sent, not just the request read). */
  answered = 0;
  readonly contentTypes: (string | undefined)[] = [];
  private readonly open = new Set<ServerResponse>();

  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(answer: Answer = ok): Promise<Receiver> {
    for (let attempt = 1; ; attempt++) {
      const [port] = await freePorts(1);
      const server = createServer();
      try {
        await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
      } catch (err) {
        if (!isPortTaken(err) || attempt === 5) throw err;
        continue;
      }
      const receiver = new Receiver(server, `http://127.0.0.1:${port}/backchannel-logout`);
      server.on('request', (req: IncomingMessage, res: ServerResponse) => receiver.handle(req, res, answer));
      return receiver;
    }
  }

  private handle(req: IncomingMessage, res: ServerResponse, answer: Answer): void {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      this.tokens.push(new URLSearchParams(body).get('logout_token') ?? '');
      this.contentTypes.push(req.headers['content-type']);
      this.open.add(res);
      res.on('finish', () => this.answered++);
      res.on('close', () => this.open.delete(res));
      answer(req, res, this.tokens.length);
    });
  }

  /** Requests it has read but not answered. */
  get hanging(): number {
    return this.open.size;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

// §2.8: 200 on success. A short pause: a logout that did not wait for the answer would be seen.
const ok: Answer = (_req, res) => void setTimeout(() => res.writeHead(200, { 'cache-control': 'no-store' }).end(), 300);

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 25_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}; last seen ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('OIDC Back-Channel Logout (the token service sends logout tokens)', () => {
  let provider: Provider;
  let jwks: ReturnType<typeof createRemoteJWKSet>;
  const receivers: Receiver[] = [];
  const receiver = async (answer?: Answer) => {
    const r = await Receiver.start(answer);
    receivers.push(r);
    return r;
  };

  beforeAll(async () => {
    provider = await startProvider();
    jwks = createRemoteJWKSet(new URL(`${provider.issuer}/.well-known/jwks.json`));
  });
  afterAll(async () => {
    await provider?.close();
    await Promise.all(receivers.map((r) => r.close()));
  });

  const deliveries = () => provider.tokenServiceApp.get(DataSource).getRepository(BackchannelDelivery);

  const partner = (r: Receiver | undefined, extra: Partial<oidc.ClientMetadata> = {}) => provider.registerClient({
    redirect_uris: ['https://partner.example/callback'],
    post_logout_redirect_uris: [POST_LOGOUT_URI],
    ...(r && { backchannel_logout_uri: r.url }),
    ...extra,
  });

  /** Signs `user` in to each client in turn in `browser` (one SSO session): the ID token of each, and its claims. */
  async function signInTo(browser: Browser, user: TestUser, clients: RegisteredClient[]): Promise<(oidc.IDToken & { raw: string })[]> {
    const idTokens: (oidc.IDToken & { raw: string })[] = [];
    for (const client of clients) {
      const { tokens } = await codeFlow(browser, client, user);
      idTokens.push({ ...tokens.claims()!, raw: tokens.id_token! });
    }
    return idTokens;
  }

  /** RP-initiated logout by the client of `idToken`, confirmed on the login UI's page: the page the browser was sent off with. */
  async function logOut(browser: Browser, client: RegisteredClient, idToken: { raw: string }): Promise<Page> {
    const confirm = await browser.get(oidc.buildEndSessionUrl(client.config, { id_token_hint: idToken.raw, post_logout_redirect_uri: POST_LOGOUT_URI }));
    return browser.submit(confirm, undefined, {}, 'Sign out');
  }

  /** Verifies a logout token as a partner must (Back-Channel Logout §2.6), against the published JWKS. */
  async function verifyLogoutToken(token: string, clientId: string): Promise<JWTPayload> {
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: provider.issuer, audience: clientId, typ: 'logout+jwt', algorithms: ['RS256'], requiredClaims: ['iat', 'exp', 'jti'],
    });
    expect(protectedHeader.kid).toEqual(expect.any(String));
    expect(payload.events).toEqual({ [LOGOUT_EVENT]: {} });
    expect(payload).not.toHaveProperty('nonce');
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(120);
    return payload;
  }

  it('advertises back-channel logout with sid in discovery (§2.1)', async () => {
    const meta = await provider.serverMetadata();
    expect(meta).toMatchObject({ backchannel_logout_supported: true, backchannel_logout_session_supported: true });
  });

  it('registers backchannel_logout_uri and backchannel_logout_session_required, and returns them (§2.2)', async () => {
    const r = await receiver();
    const required = await partner(r, { backchannel_logout_session_required: true });
    expect(required.metadata).toMatchObject({ backchannel_logout_uri: r.url, backchannel_logout_session_required: true });
    const plain = await partner(r);
    expect(plain.metadata).toMatchObject({ backchannel_logout_uri: r.url, backchannel_logout_session_required: false });
    const none = await partner(undefined);
    expect(none.metadata).not.toHaveProperty('backchannel_logout_uri');
  });

  it.each([
    ['a fragment', 'https://partner.example/bcl#x'],
    ['a relative URI', '/bcl'],
    ['javascript:', 'javascript:alert(1)'],
    ['plain http to a host that is not loopback', 'http://partner.example/bcl'],
  ])('refuses a backchannel_logout_uri with %s: invalid_client_metadata', async (_case, uri) => {
    const res = await fetch(`${provider.issuer}/oauth2/register`, {
      method: 'POST',
      headers: { authorization: `Bearer ${provider.initialAccessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: ['https://partner.example/callback'], backchannel_logout_uri: uri }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_client_metadata' });
  });

  it('tells every client of the session, before the browser is sent back to the partner, and no client of another session', async () => {
    const [withSid, plain, otherSession] = [await receiver(), await receiver(), await receiver()];
    const clientA = await partner(withSid, { backchannel_logout_session_required: true });
    const clientB = await partner(plain);
    const clientC = await partner(otherSession);
    const silent = await partner(undefined);
    const user = await provider.createUser();
    const other = await provider.createUser();
    const browser = new Browser(provider.origins);
    const otherBrowser = new Browser(provider.origins);
    const [idA, idB] = await signInTo(browser, user, [clientA, clientB, silent]);
    const [idC] = await signInTo(otherBrowser, other, [clientC]);
    expect(idA.sid).toEqual(expect.any(String));
    expect(idB.sid).toBe(idA.sid);
    expect(idC.sid).not.toBe(idA.sid);

    const signedOut = await logOut(browser, clientA, idA);

    // Checked the moment the browser got its redirect: the partners had already answered.
    const seenAtRedirect = { withSid: withSid.answered, plain: plain.answered };
    expect(signedOut.redirectedTo?.href.startsWith(POST_LOGOUT_URI)).toBe(true);
    expect(seenAtRedirect).toEqual({ withSid: 1, plain: 1 });
    expect(withSid.contentTypes).toEqual(['application/x-www-form-urlencoded']);

    const tokenA = await verifyLogoutToken(withSid.tokens[0], clientA.clientId);
    const tokenB = await verifyLogoutToken(plain.tokens[0], clientB.clientId);
    expect(tokenA).toMatchObject({ sid: idA.sid, sub: idA.sub, aud: clientA.clientId });
    expect(tokenB).toMatchObject({ sid: idA.sid, sub: idA.sub, aud: clientB.clientId });
    expect(tokenA.jti).not.toBe(tokenB.jti);
    expect(decodeProtectedHeader(withSid.tokens[0]).typ).toBe('logout+jwt');
    // An ID token is not a logout token, nor the reverse (§4.1).
    await expect(jwtVerify(withSid.tokens[0], jwks, { typ: 'JWT' })).rejects.toThrow();

    const rows = await deliveries().findBy({ sessionId: idA.sid as string });
    expect(rows.map((row) => [row.clientId, row.status, row.attempts]).sort())
      .toEqual([[clientA.clientId, 'delivered', 1], [clientB.clientId, 'delivered', 1]].sort());
    // A client without a back-channel logout URI is owed nothing.
    expect(rows.some((row) => row.clientId === silent.clientId)).toBe(false);

    // The other session's client heard nothing — until its own session ends.
    expect(otherSession.tokens).toEqual([]);
    await logOut(otherBrowser, clientC, idC);
    expect(otherSession.tokens).toHaveLength(1);
    expect(await verifyLogoutToken(otherSession.tokens[0], clientC.clientId)).toMatchObject({ sid: idC.sid, sub: idC.sub });
    expect(withSid.tokens).toHaveLength(1);
    expect(plain.tokens).toHaveLength(1);
  });

  it('retries a receiver that fails, with backoff and a freshly signed token, until it is delivered', async () => {
    const flaky = await receiver((_req, res, n) => res.writeHead(n <= 2 ? 500 : 200).end());
    const client = await partner(flaky);
    const user = await provider.createUser();
    const browser = new Browser(provider.origins);
    const [id] = await signInTo(browser, user, [client]);

    const signedOut = await logOut(browser, client, id);
    expect(signedOut.redirectedTo?.href.startsWith(POST_LOGOUT_URI)).toBe(true);
    expect(flaky.tokens).toHaveLength(1);

    const row = await eventually(
      () => deliveries().findOneByOrFail({ sessionId: id.sid as string, clientId: client.clientId }),
      (r) => r.status !== 'pending', 'the delivery to be settled',
    );
    expect(row).toMatchObject({ status: 'delivered', attempts: 3, lastError: null, deliveredAt: expect.any(Number) });
    expect(flaky.tokens).toHaveLength(3);
    const payloads = await Promise.all(flaky.tokens.map((t) => verifyLogoutToken(t, client.clientId)));
    expect(payloads.every((p) => p.sid === id.sid && p.sub === id.sub)).toBe(true);
    expect(new Set(payloads.map((p) => p.jti)).size).toBe(3);
  });

  it('does not hold the logout past BACKCHANNEL_LOGOUT_WAIT for a receiver that hangs; the attempt times out and is retried', async () => {
    // The first request is never answered; later ones are.
    const hangsOnce = await receiver((_req, res, n) => void (n > 1 && res.writeHead(204).end()));
    const prompt = await receiver();
    const slowClient = await partner(hangsOnce);
    const promptClient = await partner(prompt);
    const user = await provider.createUser();
    const browser = new Browser(provider.origins);
    const [id, promptId] = await signInTo(browser, user, [slowClient, promptClient]);

    const signedOut = await logOut(browser, promptClient, promptId);

    // Sent on while the hanging request was still open: the wait was bounded, not the request's timeout.
    const atRedirect = { hanging: hangsOnce.hanging, prompt: prompt.answered };
    expect(signedOut.redirectedTo?.href.startsWith(POST_LOGOUT_URI)).toBe(true);
    expect(atRedirect).toEqual({ hanging: 1, prompt: 1 });
    const running = await deliveries().findOneByOrFail({ sessionId: id.sid as string, clientId: slowClient.clientId });
    expect(running).toMatchObject({ status: 'pending', attempts: 1, lastError: null });

    const settled = await eventually(
      () => deliveries().findOneByOrFail({ sessionId: id.sid as string, clientId: slowClient.clientId }),
      (r) => r.status !== 'pending', 'the hanging delivery to be retried',
    );
    expect(settled).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(hangsOnce.tokens).toHaveLength(2);
  });

  it('never follows a redirect from a receiver (the URI is the partner\'s to choose, the target could be anything)', async () => {
    const target = await receiver();
    const redirecting = await receiver((_req, res) => res.writeHead(307, { location: target.url }).end());
    const client = await partner(redirecting);
    const user = await provider.createUser();
    const browser = new Browser(provider.origins);
    const [id] = await signInTo(browser, user, [client]);

    await logOut(browser, client, id);

    const row = await eventually(
      () => deliveries().findOneByOrFail({ sessionId: id.sid as string, clientId: client.clientId }),
      (r) => redirecting.tokens.length >= 2 && r.lastError !== null, 'a retry',
    );
    expect(row).toMatchObject({ status: 'pending', lastError: 'HTTP 307: redirects are not followed' });
    expect(target.tokens).toEqual([]);
  });

  it('announces a session once, however often it is reported ended (BackChannelLogout.sessionsEnded)', async () => {
    const r = await receiver();
    const client = await partner(r);
    const user = await provider.createUser();
    const browser = new Browser(provider.origins);
    const [id] = await signInTo(browser, user, [client]);
    const backChannel = provider.tokenServiceApp.get(BackChannelLogout);

    const session = { id: id.sid as string, subject: id.sub };
    await Promise.all([backChannel.sessionsEnded([session]), backChannel.sessionsEnded([session])]);
    await backChannel.sessionsEnded([session]);
    await logOut(browser, client, id);

    expect(r.tokens).toHaveLength(1);
    expect(await verifyLogoutToken(r.tokens[0], client.clientId)).toMatchObject({ sid: id.sid, sub: id.sub });
  });

  it('lets exactly one of many concurrent claimers make an attempt (instances sharing the database)', async () => {
    const dataSource = provider.tokenServiceApp.get(DataSource);
    const claimers = Array.from({ length: 8 }, () => new BackchannelDeliveryRepository(dataSource));
    const sessionId = randomName('s');
    // Due an hour from now, as the claimers see it: the provider's own retry timer leaves it alone.
    const later = Date.now() + 3_600_000;
    await claimers[0].recordOwed([{ sessionId, clientId: randomName('c'), subject: 'someone' }], later - 60_000, later);
    const [row] = await claimers[0].findUnattempted([sessionId]);

    const first = await Promise.all(claimers.map((repository) => repository.claim(row, later + 30_000)));
    expect(first.filter(Boolean)).toHaveLength(1);
    expect(await deliveries().findOneByOrFail({ id: row.id })).toMatchObject({ attempts: 1, nextAttemptAt: later + 30_000 });

    // The retry timers' way: each claims the attempt it read as due; one wins, and not before it is due.
    const failed = await deliveries().findOneByOrFail({ id: row.id });
    expect(await claimers[0].claim(failed, later + 90_000, later)).toBe(false);
    const retries = await Promise.all(claimers.map((repository) => repository.claim(failed, later + 90_000, later + 30_000)));
    expect(retries.filter(Boolean)).toHaveLength(1);
    expect(await deliveries().findOneByOrFail({ id: row.id })).toMatchObject({ attempts: 2, status: 'pending' });
    await deliveries().delete({ sessionId: In([sessionId]) });
  });
});
