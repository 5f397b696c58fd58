/**
 * The audit trail over a whole life cycle, on the real apps: a failed password, a sign-in with
 * consent, the code exchange, a refresh, the reuse of a spent refresh token and of a spent code, a
 * second grant revoked by its client, an RP-initiated logout, a lockout, and an operator's key
 * rotation. The table is read back through AuditLog.query (the admin API's source) and holds
 * exactly those events, in order, naming who did what — and none of the secrets that crossed the
 * wire (contracts audit.ts: never a password, code, secret or whole token).
 */
import { Test } from '@nestjs/testing';
import { AuditEvent, AuditEventType } from '@tessera/contracts';
import * as oidc from 'openid-client';
import { DataSource } from 'typeorm';
import { AuditTrail } from '../../apps/login-ui/src/audit/audit-trail';
import { LOGIN_UI_CONFIG } from '../../apps/login-ui/src/config/login-ui.config';
import { TokenServiceClient } from '../../apps/login-ui/src/token-service/token-service.client';
import { AuditLog } from '../../apps/token-service/src/audit/audit-log';
import { SigningKeys } from '../../apps/token-service/src/keys/signing-keys.service';
import { Browser } from './browser';
import { Provider, randomName, RegisteredClient, startProvider, TestUser } from './harness';
import { SecretsSeen } from './secrets-seen';
import { authRequest, codeFlow, postForm, signIn } from './sign-in';

const REDIRECT_URI = 'https://partner.example/callback';
const POST_LOGOUT_URI = 'https://partner.example/signed-out';


describe('audit trail of a full flow', () => {
  const secrets = new SecretsSeen();
  const keep = (what: string, value: unknown) => secrets.keep(what, value);
  let provider: Provider;
  let client: RegisteredClient;
  let user: TestUser;
  let victim: TestUser;
  let userSub: string;
  let victimSub: string;
  let started: number;
  let unknownAccountWindow: { since: number; until: number };
  let rotation: { before: string; after: string };

  const audit = () => provider.tokenServiceApp.get(AuditLog);
  /** What both apps have queued, in the table: the login UI sends, then the token service writes. */
  const settle = async () => {
    await provider.loginUiApp.get(AuditTrail).flush();
    await audit().flush();
  };
  /** Every event matching `filter` since the test started, oldest first. */
  const events = async (filter: Parameters<AuditLog['query']>[0]): Promise<AuditEvent[]> => {
    const all: AuditEvent[] = [];
    let cursor: string | undefined;
    do {
      const page = await audit().query({ since: started, ...filter }, { limit: 50, cursor });
      all.push(...page.items);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return all.reverse();
  };
  const summary = (e: AuditEvent) => [e.type, e.reason ?? undefined].filter(Boolean).join(' ');

  beforeAll(async () => {
    started = Date.now();
    provider = await startProvider({ LOCKOUT_MAX_FAILURES: '3', LOCKOUT_WAIT_SECONDS: '60' });
    secrets.keepServiceSecrets(provider);
    [user, victim] = [await provider.createUser(), await provider.createUser()];
    keep('password', user.password);
    keep('victim password', victim.password);
    const grantTypes = ['authorization_code', 'refresh_token'];
    client = await provider.registerClient({ redirect_uris: [REDIRECT_URI], post_logout_redirect_uris: [POST_LOGOUT_URI], grant_types: grantTypes });
    keep('client secret', client.clientSecret);
    const basic = { clientId: client.clientId, clientSecret: client.clientSecret! };
    const browser = new Browser(provider.origins);

    // A wrong password, then the sign-in and consent, then the partner's code exchange.
    const wrong = `Wr0ng-${oidc.randomState()}`;
    keep('wrong password', wrong);
    expect((await signIn(browser, (await authRequest(client)).url, { username: user.username, password: wrong })).callback).toBeUndefined();
    const { request, callback, tokens } = await codeFlow(browser, client, user);
    const code = callback.searchParams.get('code')!;
    userSub = tokens.claims()!.sub;
    keep('PKCE verifier', request.verifier);
    keep('authorization code', code);
    secrets.keepTokens('first', tokens);
    secrets.keepCookies(browser, provider);

    // A refresh, then the spent refresh token again (its family ends), then the spent code again.
    secrets.keepTokens('refreshed', await oidc.refreshTokenGrant(client.config, tokens.refresh_token!));
    expect((await postForm(`${provider.issuer}/oauth2/token`, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }, basic)).body.error).toBe('invalid_grant');
    const replay = await postForm(`${provider.issuer}/oauth2/token`, {
      grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: request.verifier,
    }, basic);
    expect(replay.body.error).toBe('invalid_grant');

    // A second grant through the SSO session (consent remembered), revoked by its client.
    const { callback: secondCallback, tokens: secondTokens } = await codeFlow(browser, client, undefined);
    keep('second code', secondCallback.searchParams.get('code'));
    secrets.keepTokens('second', secondTokens);
    expect((await postForm(`${provider.issuer}/oauth2/revoke`, { token: secondTokens.access_token }, basic)).status).toBe(200);

    // RP-initiated logout, confirmed on the login UI.
    const logout = await browser.get(oidc.buildEndSessionUrl(client.config, { id_token_hint: secondTokens.id_token!, post_logout_redirect_uri: POST_LOGOUT_URI }));
    for (const input of logout.document().querySelectorAll('form input[type="hidden"]')) keep(`logout form ${input.getAttribute('name')}`, input.getAttribute('value'));
    secrets.keepCookies(browser, provider);
    expect((await browser.submit(logout, undefined, {}, 'Sign out')).redirectedTo?.href.startsWith(POST_LOGOUT_URI)).toBe(true);

    // Another person: three wrong passwords lock the account, the right one is then refused too.
    const other = new Browser(provider.origins);
    for (let i = 0; i < 3; i++) {
      const guess = `Guess-${i}-${oidc.randomState()}`;
      keep(`guess ${i}`, guess);
      await signIn(other, (await authRequest(client)).url, { username: victim.username, password: guess });
    }
    await signIn(other, (await authRequest(client)).url, victim);
    const [victimRow] = await provider.loginUiApp.get(DataSource).query('SELECT id FROM users WHERE username = ?', [victim.username]) as { id: string }[];
    victimSub = victimRow.id;

    // A name nobody has: it may be a password typed into the wrong box.
    const typedName = `${randomName('nobody')}-Passw0rd!`;
    keep('unknown username', typedName);
    unknownAccountWindow = { since: Date.now(), until: 0 };
    await signIn(other, (await authRequest(client)).url, { username: typedName, password: `Pw-${oidc.randomState()}` });

    // An operator rotates the signing keys from the CLI.
    const keys = provider.tokenServiceApp.get(SigningKeys);
    const before = keys.activeKid;
    rotation = { before, after: await keys.rotate('cli') };
    await settle();
    unknownAccountWindow.until = Date.now() + 1;
  });
  afterAll(() => provider?.close());

  it('records the person\'s sign-ins, consent, tokens, reuse, revocation and logout, in order', async () => {
    const trail = await events({ subject: userSub });
    expect(trail.map(summary)).toEqual([
      'sign_in.failed bad_credentials',
      'sign_in.succeeded',
      'consent.granted',
      'token.issued',
      'token.refreshed',
      'refresh_token.reuse_detected reuse',
      'code.replay_detected reuse',
      'token.issued',
      'token.revoked',
      'logout',
    ]);
    const byType = (type: AuditEventType) => trail.filter((e) => e.type === type);
    const clientActor = `client:${client.clientId}`;
    // The password proved who signed in; a failure may have been anyone.
    expect(trail[0]).toMatchObject({ actor: null, clientId: null, ip: '127.0.0.1' });
    expect(trail[1]).toMatchObject({ actor: userSub, ip: '127.0.0.1' });
    expect(trail[2]).toMatchObject({ actor: userSub, clientId: client.clientId, sessionId: expect.any(String), details: { scope: 'openid profile email offline_access', remember: true } });
    for (const e of [...byType('token.issued'), ...byType('token.refreshed'), ...byType('token.revoked'), ...byType('refresh_token.reuse_detected'), ...byType('code.replay_detected')]) {
      expect(e).toMatchObject({ actor: clientActor, clientId: client.clientId, subject: userSub });
    }
    expect(byType('token.issued').map((e) => e.details?.grant_type)).toEqual(['authorization_code', 'authorization_code']);
    expect(byType('token.refreshed')[0].details).toMatchObject({ grant_type: 'refresh_token', jti: expect.any(String), grant: expect.any(String) });
    // The reuse and the replay end the first grant; the revocation the second.
    const [first, second] = byType('token.issued').map((e) => e.details?.grant);
    expect(byType('refresh_token.reuse_detected')[0].details?.grant).toBe(first);
    expect(byType('code.replay_detected')[0].details?.grant).toBe(first);
    expect(byType('token.revoked')[0].details).toMatchObject({ token_type: 'access_token', grant: second });
    expect(byType('logout')[0]).toMatchObject({ actor: userSub, clientId: client.clientId, sessionId: trail[2].sessionId });
  });

  it('records the lockout: the failures that led to it, the lock, and the refusal while it lasts', async () => {
    const trail = await events({ subject: victimSub });
    expect(trail.map(summary)).toEqual([
      'sign_in.failed bad_credentials', 'sign_in.failed bad_credentials', 'sign_in.failed bad_credentials', 'account.locked', 'sign_in.failed locked',
    ]);
    expect(trail[3]).toMatchObject({ actor: 'system', details: { locked_until: expect.any(Number) } });
    expect(trail[3].details!.locked_until as number).toBeGreaterThan(trail[3].at + 59_000);
  });

  it('records an unknown account\'s attempt with nothing that names it', async () => {
    const unknown = (await events({ types: ['sign_in.failed'], ...unknownAccountWindow })).filter((e) => e.reason === 'unknown_account');
    expect(unknown).toEqual([expect.objectContaining({ actor: null, subject: null, clientId: null, ip: '127.0.0.1', details: {} })]);
  });

  it('records a partner registering itself over RFC 7591, as that client', async () => {
    const created = await events({ types: ['client.created'], clientId: client.clientId });
    expect(created).toEqual([expect.objectContaining({ actor: `client:${client.clientId}`, details: { via: 'dynamic_registration' } })]);
  });

  it('records the operator\'s key rotation', async () => {
    const keyEvents = (await events({ actor: 'cli' })).filter((e) => e.type.startsWith('key.'));
    expect(keyEvents.map((e) => [e.type, e.details?.kid])).toEqual(expect.arrayContaining([
      ['key.activated', rotation.after],
      ['key.retired', rotation.before],
    ]));
  });

  it('holds none of the secrets that crossed the wire, nor anything shaped like a JWT', async () => {
    expect(secrets.size).toBeGreaterThan(20);
    const rows = JSON.stringify(await provider.tokenServiceApp.get(DataSource).query('SELECT * FROM audit_events'));
    expect(rows.length).toBeGreaterThan(1000);
    expect(secrets.foundIn(rows)).toEqual([]);
    expect(rows).not.toMatch(/eyJ[A-Za-z0-9_-]{4,}/);
    expect(rows).not.toContain(user.username);
    expect(rows).not.toContain(victim.username);
  });

  describe('POST /internal/v1/audit-events, where the login UI hands in its events', () => {
    const post = (base: string, body: unknown, authorization?: string) => fetch(`${base}/internal/v1/audit-events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const bearer = () => `Bearer ${provider.internalApiSecret}`;

    it('takes a batch, each event at the time it happened', async () => {
      const subject = randomName('handed-in-');
      const at = Date.now() - 5_000;
      const res = await post(provider.internalUrl, { events: [
        { type: 'user.created', actor: 'admin-sub', subject, at },
        { type: 'user.roles_changed', actor: 'admin-sub', subject, details: { roles: 'admin' }, at: at + 1 },
      ] }, bearer());
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ accepted: 2 });
      await audit().flush();
      expect((await events({ subject, since: at })).map((e) => [e.type, e.at, e.actor, e.details])).toEqual([
        ['user.created', at, 'admin-sub', {}],
        ['user.roles_changed', at + 1, 'admin-sub', { roles: 'admin' }],
      ]);
    });

    it('answers 401 without the service credential, or with another one', async () => {
      const body = { type: 'sign_in.succeeded', subject: randomName('forged-') };
      expect((await post(provider.internalUrl, body)).status).toBe(401);
      expect((await post(provider.internalUrl, body, `Bearer ${provider.internalApiSecret}x`)).status).toBe(401);
      await audit().flush();
      expect(await events({ subject: body.subject })).toEqual([]);
    });

    it('is not there on the public listener, credential or not', async () => {
      const res = await post(provider.issuer, { type: 'sign_in.succeeded' }, bearer());
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: string }).error).toBe('not_found');
    });

    it.each([
      ['a body that is not JSON', '{"type":'],
      ['an unknown type', { type: 'sign_in.maybe' }],
      ['an event only the token service records', { type: 'token.issued', clientId: 'c1' }],
      ['an unknown field', { type: 'sign_in.failed', username: 'alice' }],
      ['a nested detail', { type: 'user.updated', details: { changed: { name: true } } }],
      ['101 events', { events: Array.from({ length: 101 }, () => ({ type: 'sign_in.succeeded' })) }],
    ])('answers 400 invalid_request to %s', async (_case, body) => {
      const res = await post(provider.internalUrl, body, bearer());
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe('invalid_request');
    });

    it('refuses a whole batch for one bad event, recording none of it', async () => {
      const subject = randomName('half-good-');
      const res = await post(provider.internalUrl, { events: [{ type: 'user.created', subject }, { type: 'user.created', subject, password: 'x' }] }, bearer());
      expect(res.status).toBe(400);
      await audit().flush();
      expect(await events({ subject, since: 0 })).toEqual([]);
    });

    it('is what the login UI\'s AuditTrail sends to, and what it still holds is sent when it stops', async () => {
      const app = await Test.createTestingModule({
        providers: [
          { provide: LOGIN_UI_CONFIG, useValue: { tokenServiceInternalUrl: provider.internalUrl, internalApiSecret: provider.internalApiSecret } },
          TokenServiceClient, AuditTrail,
        ],
      }).compile();
      const subject = randomName('stopping-');
      for (let i = 0; i < 150; i++) app.get(AuditTrail).record({ type: 'user.updated', actor: 'admin-sub', subject, details: { n: i } });
      await app.close();
      await audit().flush();
      const handedIn = await events({ subject, since: 0 });
      expect(handedIn.map((e) => e.details?.n)).toEqual(Array.from({ length: 150 }, (_, i) => i));
      expect(app.get(AuditTrail).losses()).toEqual([{ reason: 'buffer_full', count: 0 }, { reason: 'write_failed', count: 0 }]);
    });
  });
});
