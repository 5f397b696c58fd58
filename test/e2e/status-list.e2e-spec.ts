import { createVerifier, isRpError, Verifier } from '@tessera/rp';
import { createLocalJWKSet, decodeJwt, JSONWebKeySet, jwtVerify } from 'jose';
import { inflateSync } from 'node:zlib';
import * as oidc from 'openid-client';
import { loadTokenServiceConfig } from '../../apps/token-service/src/config/token-service.config';
import { RunningTokenService, startTokenService } from '../../apps/token-service/src/main';
import { freePorts } from '../support/free-port';
import { Browser } from './browser';
import { Provider, RegisteredClient, startProvider } from './harness';
import { waitUntil } from './rp-probe';
import { codeFlow, postForm } from './sign-in';

const TTL = 2;
const REDIRECT_URI = 'https://partner.example/callback';

interface StatusRef { idx: number; uri: string }

function statusOf(accessToken: string): StatusRef {
  const { status } = decodeJwt(accessToken) as { status?: { status_list?: StatusRef } };
  if (!status?.status_list) throw new Error('the access token has no status claim');
  return status.status_list;
}

describe('Token Status List: revocation that reaches offline verifiers (issue 4)', () => {
  let provider: Provider;
  let second: RunningTokenService;
  let secondIssuerUrl: string;
  let machine: RegisteredClient;
  let partner: RegisteredClient;
  const verifiers: Verifier[] = [];

  const clientToken = async (base: string): Promise<string> => {
    const res = await postForm(`${base}/oauth2/token`, { grant_type: 'client_credentials' }, { clientId: machine.clientId, clientSecret: machine.clientSecret! });
    if (res.status !== 200) throw new Error(`token endpoint answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body.access_token as string;
  };

  /** The entry of `ref` in the list as served now, checked the way the draft says a verifier reads it. */
  const entryOf = async (ref: StatusRef, base = provider.issuer): Promise<number> => {
    const res = await fetch(ref.uri.replace(provider.issuer, base));
    expect(res.status).toBe(200);
    const jwks = createLocalJWKSet(await (await fetch(`${provider.issuer}/.well-known/jwks.json`)).json() as JSONWebKeySet);
    const { payload } = await jwtVerify(await res.text(), jwks, { typ: 'statuslist+jwt', issuer: provider.issuer, subject: ref.uri });
    const { bits, lst } = payload.status_list as { bits: number; lst: string };
    const bytes = inflateSync(Buffer.from(lst, 'base64url'));
    const position = ref.idx * bits;
    return (bytes[position >> 3]! >> (position & 7)) & ((1 << bits) - 1);
  };

  beforeAll(async () => {
    provider = await startProvider({ STATUS_LIST_TTL: String(TTL) });
    // A second token service over the same database, as a second replica behind a load balancer.
    const [publicPort, internalPort] = await freePorts(2);
    second = await startTokenService(loadTokenServiceConfig({
      ...provider.env, TOKEN_SERVICE_PORT: String(publicPort), TOKEN_SERVICE_INTERNAL_PORT: String(internalPort),
    }), false);
    secondIssuerUrl = `http://127.0.0.1:${publicPort}`;
    machine = await provider.registerClient({ grant_types: ['authorization_code', 'client_credentials'], response_types: ['code'], redirect_uris: [REDIRECT_URI] });
    partner = await provider.registerClient({
      redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
    });
  });
  afterEach(() => {
    verifiers.splice(0).forEach((v) => v.close());
  });
  afterAll(async () => {
    await second?.close();
    await provider?.close();
  });

  it('gives every access token its own status entry, also with two instances over one database issuing in parallel', async () => {
    const tokens = await Promise.all(Array.from({ length: 120 }, (_, i) => clientToken(i % 2 === 0 ? provider.issuer : secondIssuerUrl)));
    const refs = tokens.map(statusOf);
    for (const ref of refs) {
      expect(Number.isInteger(ref.idx) && ref.idx >= 0).toBe(true);
      expect(ref.uri).toMatch(new RegExp(`^${provider.issuer.replace(/[.]/g, '\\.')}/oauth2/status-lists/[A-Za-z0-9_-]+$`));
    }
    expect(new Set(refs.map((ref) => `${ref.uri}#${ref.idx}`)).size).toBe(tokens.length);
  });

  it('serves a Status List Token per the draft: typ, sub, iat, exp, ttl, zlib bitstring, cacheable for ttl; 404 for an unknown list', async () => {
    const ref = statusOf(await clientToken(provider.issuer));
    const res = await fetch(ref.uri);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/statuslist\+jwt/);
    expect(res.headers.get('cache-control')).toBe(`public, max-age=${TTL}`);
    const token = await res.text();
    const jwks = createLocalJWKSet(await (await fetch(`${provider.issuer}/.well-known/jwks.json`)).json() as JSONWebKeySet);
    const { payload, protectedHeader } = await jwtVerify(token, jwks, { typ: 'statuslist+jwt', issuer: provider.issuer, subject: ref.uri });
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'statuslist+jwt' });
    expect(payload.ttl).toBe(TTL);
    expect(payload.exp! - payload.iat!).toBeGreaterThanOrEqual(TTL);
    expect(payload.status_list).toMatchObject({ bits: 1 });
    expect(await entryOf(ref)).toBe(0);
    const unknown = await fetch(`${provider.issuer}/oauth2/status-lists/no-such-list`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'not_found' });
  });

  it('RFC 7009 revocation of a client\'s own token sets its bit on every instance within one ttl, and no other', async () => {
    const [revoked, kept] = await Promise.all([clientToken(provider.issuer), clientToken(secondIssuerUrl)]);
    const res = await postForm(`${secondIssuerUrl}/oauth2/revoke`, { token: revoked }, { clientId: machine.clientId, clientSecret: machine.clientSecret! });
    expect(res.status).toBe(200);
    let bits: number[] = [];
    await waitUntil('the revoked bit on both instances', () => bits[0] === 1 && bits[1] === 1, {
      timeoutMs: (TTL + 2) * 1000,
      meanwhile: async () => { bits = [await entryOf(statusOf(revoked)), await entryOf(statusOf(revoked), secondIssuerUrl)]; },
    });
    expect(await entryOf(statusOf(kept))).toBe(0);
    const introspected = await postForm(`${provider.issuer}/oauth2/introspect`, { token: revoked }, { clientId: machine.clientId, clientSecret: machine.clientSecret! });
    expect(introspected.body.active).toBe(false);
  });

  it('a reused refresh token sets the bits of every access token of its family', async () => {
    const { tokens } = await codeFlow(new Browser(provider.origins), partner, await provider.createUser());
    const refreshed = await oidc.refreshTokenGrant(partner.config, tokens.refresh_token!);
    const replay = await postForm(`${provider.issuer}/oauth2/token`, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! },
      { clientId: partner.clientId, clientSecret: partner.clientSecret! });
    expect(replay.body.error).toBe('invalid_grant');
    let bits: number[] = [];
    await waitUntil('both bits set', () => bits.every((b) => b === 1) && bits.length === 2, {
      timeoutMs: (TTL + 2) * 1000,
      meanwhile: async () => { bits = [await entryOf(statusOf(tokens.access_token)), await entryOf(statusOf(refreshed.access_token))]; },
    });
  });

  it('a replayed authorization code sets the bit of the token it bought', async () => {
    const { tokens, callback } = await codeFlow(new Browser(provider.origins), partner, await provider.createUser());
    const replay = await postForm(`${provider.issuer}/oauth2/token`, {
      grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: REDIRECT_URI, code_verifier: 'x'.repeat(43),
    }, { clientId: partner.clientId, clientSecret: partner.clientSecret! });
    expect(replay.body.error).toBe('invalid_grant');
    let bit = 0;
    await waitUntil('the bit set', () => bit === 1, {
      timeoutMs: (TTL + 2) * 1000,
      meanwhile: async () => { bit = await entryOf(statusOf(tokens.access_token)); },
    });
  });

  it('libs/rp accepts a token, then refuses it with ERR_TOKEN_REVOKED within about one ttl of its RFC 7009 revocation, with no request per verification', async () => {
    const { tokens } = await codeFlow(new Browser(provider.origins), partner, await provider.createUser());
    const v = createVerifier({ issuer: provider.issuer, audience: partner.clientId, statusList: { mode: 'strict' } });
    verifiers.push(v);
    await v.verifyAccessToken(tokens.access_token);
    const warm = v.stats().networkRequests;
    for (let i = 0; i < 20; i++) await v.verifyAccessToken(tokens.access_token);
    expect(v.stats().networkRequests).toBe(warm);

    const res = await postForm(`${provider.issuer}/oauth2/revoke`, { token: tokens.refresh_token!, token_type_hint: 'refresh_token' },
      { clientId: partner.clientId, clientSecret: partner.clientSecret! });
    expect(res.status).toBe(200);
    const revokedAt = Date.now();
    let refusedWith: string | undefined;
    await waitUntil('the verifier to refuse the revoked token', () => refusedWith !== undefined, {
      timeoutMs: (2 * TTL + 2) * 1000,
      meanwhile: async () => {
        await v.verifyAccessToken(tokens.access_token).catch((err: unknown) => { refusedWith = isRpError(err) ? err.code : String(err); });
      },
    });
    expect(refusedWith).toBe('ERR_TOKEN_REVOKED');
    // The measured revocation delay for an offline verifier (reported to the lead); bounded by ttl + 1 s of Age rounding.
    const delayMs = Date.now() - revokedAt;
    expect(delayMs).toBeLessThanOrEqual((TTL + 1) * 1000 + 500);
    process.stdout.write(`status list revocation delay: ${delayMs} ms (ttl ${TTL} s)\n`);
  });
});
