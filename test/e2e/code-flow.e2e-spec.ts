import * as jose from 'jose';
import * as oidc from 'openid-client';
import { Browser } from './browser';
import { Provider, RegisteredClient, startProvider, TestUser } from './harness';
import { atHash, authRequest, codeFlow, postForm, signIn } from './sign-in';

const REDIRECT_URI = 'https://partner.example/callback';
const MAX_AGE = 600;

describe('authorization code flow with PKCE, as a partner and a person do it', () => {
  let provider: Provider;
  let client: RegisteredClient;
  let user: TestUser;
  let jwks: ReturnType<typeof jose.createLocalJWKSet>;
  const browser = () => new Browser(provider.origins);
  const basic = () => ({ clientId: client.clientId, clientSecret: client.clientSecret! });

  beforeAll(async () => {
    provider = await startProvider();
    client = await provider.registerClient({
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    });
    user = await provider.createUser();
    jwks = jose.createLocalJWKSet(await (await fetch(`${provider.issuer}/.well-known/jwks.json`)).json() as jose.JSONWebKeySet);
  });
  afterAll(() => provider?.close());

  it('goes from the partner through the real login and consent forms back to the redirect_uri with code, state and iss', async () => {
    // A person of its own: a remembered consent from another test would skip the consent page.
    const request = await authRequest(client);
    const result = await signIn(browser(), request.url, await provider.createUser());
    expect(result.sawLoginForm).toBe(true);
    expect(result.sawConsent).toBe(true);
    expect(result.callback).toBeDefined();
    const callback = result.callback!;
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
    expect(callback.searchParams.get('code')).toBeTruthy();
    expect(callback.searchParams.get('state')).toBe(request.state);
    // RFC 9207 §2
    expect(callback.searchParams.get('iss')).toBe(provider.issuer);
  });

  it('the login page runs on the login UI with a CSRF token in its form', async () => {
    const request = await authRequest(client);
    const page = await browser().get(request.url);
    expect(page.status).toBe(200);
    expect(new URL(page.url).origin).toBe(provider.loginUiUrl);
    expect(new URL(page.url).pathname).toBe('/login');
    expect(new URL(page.url).searchParams.get('login_challenge')).toBeTruthy();
    const hidden = page.document().querySelectorAll('form input[type="hidden"]').map((i) => i.getAttribute('value') ?? '');
    expect(hidden.some((v) => v.length >= 16)).toBe(true);
    // The client's name is on the page, so the person knows who is asking.
    expect(page.body).toContain(client.metadata.client_name as string);
  });

  it('issues an RS256 ID token that verifies against the JWKS with the right claims', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { request, tokens } = await codeFlow(browser(), client, user, { max_age: String(MAX_AGE) });
    const { payload, protectedHeader } = await jose.jwtVerify(tokens.id_token!, jwks, {
      issuer: provider.issuer, audience: client.clientId, algorithms: ['RS256'],
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(protectedHeader.kid).toEqual(expect.any(String));
    expect(payload.nonce).toBe(request.nonce);
    expect(payload.sub).toEqual(expect.any(String));
    expect(payload.sid).toEqual(expect.any(String));
    const now = Math.floor(Date.now() / 1000);
    expect(payload.exp).toBeGreaterThan(now);
    expect(payload.iat).toBeLessThanOrEqual(now + 5);
    // max_age makes auth_time REQUIRED (OIDC Core §3.1.2.1); the person signed in during this test.
    expect(Number.isInteger(payload.auth_time)).toBe(true);
    expect(payload.auth_time).toBeGreaterThanOrEqual(before - 5);
    expect(payload.auth_time).toBeLessThanOrEqual(now + 5);
    // OIDC Core §3.1.3.6: at_hash binds the access token issued with it.
    expect(payload.at_hash).toBe(atHash(tokens.access_token));
    // Scope email and profile release these claims (OIDC Core §5.4).
    expect(payload.email).toBe(user.email);
    expect(payload.name).toBe(user.name);
    expect(payload.preferred_username).toBe(user.username);
    // With several audiences the azp claim must name the client (OIDC Core §2).
    if (Array.isArray(payload.aud) && payload.aud.length > 1) expect(payload.azp).toBe(client.clientId);
  });

  it('answers the token request as RFC 6749 §5.1 says: Bearer, expires_in, no-store', async () => {
    const request = await authRequest(client);
    const { callback } = await signIn(browser(), request.url, user);
    const res = await postForm(`${provider.issuer}/oauth2/token`, {
      grant_type: 'authorization_code', code: callback!.searchParams.get('code')!,
      redirect_uri: REDIRECT_URI, code_verifier: request.verifier,
    }, basic());
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toMatch(/no-store/);
    expect(res.body).toMatchObject({
      access_token: expect.any(String), id_token: expect.any(String), refresh_token: expect.any(String),
      expires_in: expect.any(Number),
    });
    expect(String(res.body.token_type).toLowerCase()).toBe('bearer');
    expect(String(res.body.scope).split(' ').sort()).toEqual(['email', 'offline_access', 'openid', 'profile']);
  });

  it('issues the access token as an RFC 9068 JWT a partner can verify offline', async () => {
    const { tokens } = await codeFlow(browser(), client, user);
    const { payload, protectedHeader } = await jose.jwtVerify(tokens.access_token, jwks, {
      issuer: provider.issuer, algorithms: ['RS256'], typ: 'at+jwt',
    });
    expect(protectedHeader.kid).toEqual(expect.any(String));
    expect(payload.sub).toBe(tokens.claims()!.sub);
    expect(payload.client_id).toBe(client.clientId);
    expect(payload.aud).toBeDefined();
    expect(payload.jti).toEqual(expect.any(String));
    expect(String(payload.scope).split(' ')).toEqual(expect.arrayContaining(['openid', 'profile', 'email']));
    expect(payload.exp! - payload.iat!).toBe(tokens.expires_in);
  });

  it('answers userinfo for the access token, over GET and POST', async () => {
    const { tokens } = await codeFlow(browser(), client, user);
    const sub = tokens.claims()!.sub;
    const info = await oidc.fetchUserInfo(client.config, tokens.access_token, sub);
    expect(info).toMatchObject({ sub, email: user.email, name: user.name, preferred_username: user.username });

    // OIDC Core §5.3.1: userinfo also answers POST.
    const post = await fetch(`${provider.issuer}/oauth2/userinfo`, {
      method: 'POST', headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(post.status).toBe(200);
    expect(await post.json()).toMatchObject({ sub });
  });

  it('refuses userinfo for a tampered, missing or revoked access token with 401 and WWW-Authenticate', async () => {
    const { tokens } = await codeFlow(browser(), client, user);
    const [header, payload, signature] = tokens.access_token.split('.');
    const forged = { ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: 'someone-else' };
    const tampered = `${header}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`;

    const bad = await fetch(`${provider.issuer}/oauth2/userinfo`, { headers: { authorization: `Bearer ${tampered}` } });
    expect(bad.status).toBe(401);
    // RFC 6750 §3.1
    expect(bad.headers.get('www-authenticate')).toMatch(/^Bearer\b.*error="invalid_token"/i);

    const none = await fetch(`${provider.issuer}/oauth2/userinfo`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer\b/i);
  });

  it('redeems a code once: the second exchange is invalid_grant (RFC 6749 §4.1.2)', async () => {
    const request = await authRequest(client);
    const { callback } = await signIn(browser(), request.url, user);
    const params = {
      grant_type: 'authorization_code', code: callback!.searchParams.get('code')!,
      redirect_uri: REDIRECT_URI, code_verifier: request.verifier,
    };
    expect((await postForm(`${provider.issuer}/oauth2/token`, params, basic())).status).toBe(200);
    const replay = await postForm(`${provider.issuer}/oauth2/token`, params, basic());
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    expect(replay.headers.get('cache-control')).toMatch(/no-store/);
  });

  it('rotates the refresh token on every use and refuses the old one', async () => {
    const { tokens } = await codeFlow(browser(), client, user);
    const fresh = await oidc.refreshTokenGrant(client.config, tokens.refresh_token!);
    expect(fresh.access_token).toBeTruthy();
    expect(fresh.refresh_token).toBeTruthy();
    expect(fresh.refresh_token).not.toBe(tokens.refresh_token);
    await jose.jwtVerify(fresh.access_token, jwks, { issuer: provider.issuer, algorithms: ['RS256'], typ: 'at+jwt' });

    const reuse = await postForm(`${provider.issuer}/oauth2/token`, {
      grant_type: 'refresh_token', refresh_token: tokens.refresh_token!,
    }, basic());
    expect(reuse.status).toBe(400);
    expect(reuse.body.error).toBe('invalid_grant');
  });

  it('revokes the whole family when a rotated refresh token is reused (RFC 9700 §4.14.2)', async () => {
    const { tokens } = await codeFlow(browser(), client, user);
    const fresh = await oidc.refreshTokenGrant(client.config, tokens.refresh_token!);
    await postForm(`${provider.issuer}/oauth2/token`, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }, basic());
    const afterReuse = await postForm(`${provider.issuer}/oauth2/token`, {
      grant_type: 'refresh_token', refresh_token: fresh.refresh_token!,
    }, basic());
    expect(afterReuse.status).toBe(400);
    expect(afterReuse.body.error).toBe('invalid_grant');
  });

  it('introspects active tokens and forgets revoked ones (RFC 7662, RFC 7009)', async () => {
    const { tokens } = await codeFlow(browser(), client, user);
    const access = await oidc.tokenIntrospection(client.config, tokens.access_token);
    expect(access).toMatchObject({ active: true, client_id: client.clientId, sub: tokens.claims()!.sub });
    expect(String(access.scope).split(' ')).toContain('openid');

    const refresh = await oidc.tokenIntrospection(client.config, tokens.refresh_token!);
    expect(refresh.active).toBe(true);
    await oidc.tokenRevocation(client.config, tokens.refresh_token!);
    expect(await oidc.tokenIntrospection(client.config, tokens.refresh_token!)).toEqual({ active: false });
    // A revoked refresh token cannot be used either.
    const use = await postForm(`${provider.issuer}/oauth2/token`, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }, basic());
    expect(use.body.error).toBe('invalid_grant');
  });

  it('answers active:false for unknown and junk tokens, and revocation of one is still 200 (RFC 7662 §2.2, RFC 7009 §2.2)', async () => {
    for (const token of ['not-a-token', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', oidc.randomState()]) {
      expect(await oidc.tokenIntrospection(client.config, token)).toEqual({ active: false });
      const revoked = await postForm(`${provider.issuer}/oauth2/revoke`, { token }, basic());
      expect(revoked.status).toBe(200);
    }
  });

  it('requires client authentication for introspection and revocation', async () => {
    const introspect = await postForm(`${provider.issuer}/oauth2/introspect`, { token: 'anything' });
    expect(introspect.status).toBe(401);
    const revoke = await postForm(`${provider.issuer}/oauth2/revoke`, { token: 'anything' });
    expect(revoke.status).toBe(401);
    expect(revoke.body.error).toBe('invalid_client');
  });

  it('does not let another client revoke a token it was not issued (RFC 7009 §2.1)', async () => {
    const other = await provider.registerClient({ redirect_uris: [REDIRECT_URI] });
    const { tokens } = await codeFlow(browser(), client, user);
    await postForm(`${provider.issuer}/oauth2/revoke`, { token: tokens.refresh_token! },
      { clientId: other.clientId, clientSecret: other.clientSecret! });
    expect((await oidc.tokenIntrospection(client.config, tokens.refresh_token!)).active).toBe(true);
  });

  it('authenticates with client_secret_post as well as client_secret_basic', async () => {
    const postClient = await provider.registerClient({ redirect_uris: [REDIRECT_URI] }, { auth: 'post' });
    const { tokens } = await codeFlow(browser(), postClient, user);
    expect(tokens.id_token).toBeTruthy();
  });

  it('lets a public client (token_endpoint_auth_method none) use the code flow with PKCE', async () => {
    const publicClient = await provider.registerClient({ redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none' });
    expect(publicClient.clientSecret).toBeUndefined();
    const { tokens } = await codeFlow(browser(), publicClient, user);
    const { payload } = await jose.jwtVerify(tokens.id_token!, jwks, { issuer: provider.issuer, audience: publicClient.clientId });
    expect(payload.sub).toBe(tokens.claims()!.sub);
  });
});
