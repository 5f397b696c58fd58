import { createLocalJWKSet, decodeJwt, JSONWebKeySet, jwtVerify } from 'jose';
import { inflateSync } from 'node:zlib';
import { StatusLists, StatusReference } from '../../apps/token-service/src/status-list/status-lists.service';
import { AuthorizationCodeRepository } from '../../apps/token-service/src/token/authorization-code.repository';
import { Browser } from './browser';
import { Provider, RegisteredClient, startProvider } from './harness';
import { authRequest, codeFlow, postForm, signIn } from './sign-in';

const REDIRECT_URI = 'https://partner.example/callback';

/**
 * Issue 4: a refresh or code exchange that read its grant as active, and a revocation of that grant
 * at the same moment, must never end with a token handed out whose status bit stays unset.
 */
describe('a grant revoked while one of its tokens is being issued', () => {
  let provider: Provider;
  let partner: RegisteredClient;
  let browser: Browser;
  // A token that has its status index (its grant already read as active), and a code just spent.
  let allocated: ReturnType<typeof holdAfter<StatusLists, 'allocate'>>;
  let spent: ReturnType<typeof holdAfter<AuthorizationCodeRepository, 'consume'>>;

  const basic = () => ({ clientId: partner.clientId, clientSecret: partner.clientSecret! });
  const token = (params: Record<string, string>) => postForm(`${provider.issuer}/oauth2/token`, params, basic());
  const revoke = (value: string) => postForm(`${provider.issuer}/oauth2/revoke`, { token: value }, basic());

  /** The entry `idx` of the list at `uri` as served now, read the way a relying party reads it. */
  const bitOf = async ({ uri, idx }: { uri: string; idx: number }): Promise<number> => {
    const jwks = createLocalJWKSet(await (await fetch(`${provider.issuer}/.well-known/jwks.json`)).json() as JSONWebKeySet);
    const res = await fetch(uri);
    expect(res.status).toBe(200);
    const { payload } = await jwtVerify(await res.text(), jwks, { typ: 'statuslist+jwt', issuer: provider.issuer, subject: uri });
    const { bits, lst } = payload.status_list as { bits: number; lst: string };
    const position = idx * bits;
    return (inflateSync(Buffer.from(lst, 'base64url'))[position >> 3]! >> (position & 7)) & ((1 << bits) - 1);
  };

  const statusOf = (accessToken: string): { uri: string; idx: number } =>
    (decodeJwt(accessToken) as { status: { status_list: { uri: string; idx: number } } }).status.status_list;

  /** What every returned access token must satisfy: its grant is still active, or its bit is set. */
  const expectNotSilentlyRevoked = async (accessToken: string): Promise<void> => {
    const introspected = await postForm(`${provider.issuer}/oauth2/introspect`, { token: accessToken }, basic());
    if (introspected.body.active === true) return;
    expect(await bitOf(statusOf(accessToken))).toBe(1);
  };

  beforeAll(async () => {
    provider = await startProvider({ STATUS_LIST_TTL: '1' });
    partner = await provider.registerClient({ redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] });
    browser = new Browser(provider.origins);
    await codeFlow(browser, partner, await provider.createUser()); // signs in once; later flows reuse the session
    allocated = holdAfter(provider.tokenServiceApp.get(StatusLists), 'allocate');
    spent = holdAfter(provider.tokenServiceApp.get(AuthorizationCodeRepository), 'consume');
  });
  afterAll(async () => {
    allocated?.restore();
    spent?.restore();
    await provider?.close();
  });

  it('a refresh held after it read its grant, while RFC 7009 revokes the grant, hands out a token that is already revoked', async () => {
    const { tokens } = await codeFlow(browser, partner, undefined);
    const held = allocated.next<StatusReference>();
    const refreshing = token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
    const reference = await held.reached;
    expect((await revoke(tokens.access_token)).status).toBe(200);
    held.release();

    const refreshed = await refreshing;
    expect(refreshed.status).toBe(200);
    expect(statusOf(refreshed.body.access_token as string)).toEqual({ uri: reference.uri, idx: reference.idx });
    expect(await bitOf(reference)).toBe(1);
    await expectNotSilentlyRevoked(refreshed.body.access_token as string);
    expect(await bitOf(statusOf(tokens.access_token))).toBe(1);
  });

  it('a code exchange held right after it spent the code, while a replay of the code revokes its grant, hands out a token that is already revoked', async () => {
    const request = await authRequest(partner);
    const { callback } = await signIn(browser, request.url, undefined);
    const exchange = { grant_type: 'authorization_code', code: callback!.searchParams.get('code')!, redirect_uri: REDIRECT_URI, code_verifier: request.verifier };
    const held = spent.next<boolean>();
    const exchanging = token(exchange);
    expect(await held.reached).toBe(true);
    const replay = await token(exchange);
    expect(replay.body).toMatchObject({ error: 'invalid_grant' });
    held.release();

    const exchanged = await exchanging;
    expect(exchanged.status).toBe(200);
    expect(await bitOf(statusOf(exchanged.body.access_token as string))).toBe(1);
    await expectNotSilentlyRevoked(exchanged.body.access_token as string);
  });

  it('refreshes racing revocations of their grants, many at once: no returned token is revoked with its bit unset', async () => {
    const families = [];
    for (let i = 0; i < 12; i++) families.push((await codeFlow(browser, partner, undefined)).tokens);
    const outcomes = await Promise.all(families.map(async (tokens, i) => {
      const refreshing = token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
      // Each revocation starts a little later into its refresh than the one before.
      await new Promise((resolve) => setTimeout(resolve, i));
      const [refreshed, revoked] = await Promise.all([refreshing, revoke(tokens.access_token)]);
      expect(revoked.status).toBe(200);
      return refreshed;
    }));
    for (const refreshed of outcomes) {
      if (refreshed.status === 200) await expectNotSilentlyRevoked(refreshed.body.access_token as string);
      else expect(refreshed.body).toMatchObject({ error: 'invalid_grant' });
    }
  });
});

/**
 * A test seam on the running service: the next call of `target[method]`, once it has resolved,
 * waits with its result until the test releases it.
 */
function holdAfter<T extends object, K extends keyof T & string>(target: T, method: K) {
  type Fn = (...args: unknown[]) => Promise<unknown>;
  const original = (target[method] as Fn).bind(target);
  let pending: { reached(result: unknown): void; released: Promise<void> } | undefined;
  (target as Record<string, Fn>)[method] = async (...args: unknown[]) => {
    const result = await original(...args);
    const current = pending;
    pending = undefined;
    if (current) {
      current.reached(result);
      await current.released;
    }
    return result;
  };
  return {
    next<R>() {
      let release!: () => void;
      let reached!: (result: R) => void;
      const released = new Promise<void>((resolve) => { release = resolve; });
      const reachedPromise = new Promise<R>((resolve) => { reached = resolve; });
      pending = { reached: reached as (result: unknown) => void, released };
      return { reached: reachedPromise, release };
    },
    restore() {
      (target as Record<string, Fn>)[method] = original;
    },
  };
}
