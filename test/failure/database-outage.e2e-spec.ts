/**
 * A database that fails under a running provider, against a real MariaDB that this suite starts,
 * kills and starts again (test/failure/support/throwaway-mariadb.ts; the shared server is never
 * touched). What a partner, a person and an orchestrator see: 503 `temporarily_unavailable` with
 * Retry-After instead of a hang or a 500, keys and discovery still served, readiness that follows
 * the database, and recovery without a restart.
 */
import { ConsoleLogger } from '@nestjs/common';
import { parseDatabaseUrl } from '@tessera/database';
import { createConnection } from 'mysql2/promise';
import { loadTokenServiceConfig } from '../../apps/token-service/src/config/token-service.config';
import { hashOpaqueToken } from '../../apps/token-service/src/crypto/opaque-token';
import { openTokenServiceDatabase } from '../../apps/token-service/src/database/database.module';
import { SigningKeys } from '../../apps/token-service/src/keys/signing-keys.service';
import { RunningTokenService, startTokenService } from '../../apps/token-service/src/main';
import { TokenGrantRepository } from '../../apps/token-service/src/token/token-grant.repository';
import { Browser } from '../e2e/browser';
import { Provider, RegisteredClient, startProvider, TestUser } from '../e2e/harness';
import { authRequest, codeFlow, hasPasswordForm, signIn } from '../e2e/sign-in';
import { freePorts } from '../support/free-port';
import { createThrowawayMariadb, ThrowawayMariadb } from './support/throwaway-mariadb';

const REDIRECT_URI = 'https://partner.example/callback';
// A liveness bound, not a performance one: every answer must come before this, never a hang.
const FETCH_TIMEOUT_MS = 15_000;

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}

async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(url, { redirect: 'manual', ...init, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // a page, or an empty body
  }
  return { status: res.status, headers: res.headers, text, json };
}

function form(params: Record<string, string>, basic?: { id: string; secret: string }): RequestInit {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic) headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(basic.id)}:${encodeURIComponent(basic.secret)}`).toString('base64')}`;
  return { method: 'POST', headers, body: new URLSearchParams(params).toString() };
}

/** Polls `url` until it answers `status`; returns how many seconds that took, or throws after `withinSeconds`. */
async function waitForStatus(url: string, status: number, withinSeconds: number): Promise<void> {
  const deadline = Date.now() + withinSeconds * 1000;
  let last = 0;
  while (Date.now() < deadline) {
    last = (await call(url)).status;
    if (last === status) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} still answered ${last}, not ${status}, after ${withinSeconds} s`);
}

/** An answer a client can act on: 503, the RFC 6749 §5.2 body, a Retry-After, and nothing of the database in it. */
function expectTemporarilyUnavailable(answer: Answer): void {
  expect(answer.status).toBe(503);
  expect(answer.json.error).toBe('temporarily_unavailable');
  expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(answer.text).not.toMatch(/ECONNREFUSED|SELECT|INSERT|UPDATE|at .*\.(js|ts):\d+|tessera_failure/);
}

describe('a database that fails under a running provider (throwaway MariaDB)', () => {
  let db: ThrowawayMariadb;
  let provider: Provider;
  let client: RegisteredClient;
  let user: TestUser;
  const basic = () => ({ id: client.clientId, secret: client.clientSecret! });

  beforeAll(async () => {
    db = await createThrowawayMariadb();
    await db.start();
    provider = await startProvider({ DATABASE_URL: db.url, DATABASE_STARTUP_TIMEOUT: '60' });
    client = await provider.registerClient({
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    });
    user = await provider.createUser();
  });

  afterAll(async () => {
    await provider?.close();
    await db?.destroy();
  });

  // Each test leaves the database as it found it: running, and the provider ready on it.
  afterEach(async () => {
    if (!db.running) await db.start();
    await waitForStatus(`${provider.issuer}/health/ready`, 200, 20);
  });

  it('is live and ready while the database answers, naming each check', async () => {
    const live = await call(`${provider.issuer}/health/live`);
    expect(live.status).toBe(200);
    const ready = await call(`${provider.issuer}/health/ready`);
    expect(ready.status).toBe(200);
    expect(ready.json).toEqual({ status: 'ready', checks: { database: 'up', migrations: 'up', signingKey: 'up' } });
    expect((await call(`${provider.loginUiUrl}/health/ready`)).json).toEqual({ status: 'ready', checks: { database: 'up', migrations: 'up' } });
    expect((await call(`${provider.loginUiUrl}/health/live`)).status).toBe(200);
  });

  it('answers 503 temporarily_unavailable while the database is down, keeps serving keys and discovery, and recovers without a restart', async () => {
    const { tokens } = await codeFlow(new Browser(provider.origins), client, user);
    const jwksBefore = await call(`${provider.issuer}/.well-known/jwks.json`);
    const pendingAuthorization = await authRequest(client);
    const person = new Browser(provider.origins);
    const loginForm = await person.get((await authRequest(client)).url);
    expect(hasPasswordForm(loginForm)).toBe(true);

    await db.stop('SIGKILL');

    // Readiness follows within seconds, naming the failing check and nothing about the server.
    await waitForStatus(`${provider.issuer}/health/ready`, 503, 10);
    const ready = await call(`${provider.issuer}/health/ready`);
    expect(ready.json).toMatchObject({ status: 'unavailable', checks: { database: 'down', signingKey: 'up' }, failing: expect.arrayContaining(['database']) });
    expect(ready.text).not.toMatch(/127\.0\.0\.1|tessera_failure|ECONN/);
    await waitForStatus(`${provider.loginUiUrl}/health/ready`, 503, 10);
    expect((await call(`${provider.issuer}/health/live`)).status).toBe(200);

    // The JSON endpoints: an answer a client can retry on, not a hang, not a 500.
    expectTemporarilyUnavailable(await call(`${provider.issuer}/oauth2/token`, form({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }, basic())));
    expectTemporarilyUnavailable(await call(`${provider.issuer}/oauth2/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } }));
    expectTemporarilyUnavailable(await call(`${provider.issuer}/oauth2/introspect`, form({ token: tokens.access_token }, basic())));
    expectTemporarilyUnavailable(await call(`${provider.issuer}/oauth2/revoke`, form({ token: tokens.refresh_token! }, basic())));
    expectTemporarilyUnavailable(await call(`${provider.issuer}/oauth2/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${provider.initialAccessToken}` },
      body: JSON.stringify({ redirect_uris: [REDIRECT_URI], client_name: 'during the outage' }),
    }));

    // The authorization endpoint cannot even look the client up: the person gets the error page, 503.
    const authorize = await call(pendingAuthorization.url.toString());
    expect(authorize.status).toBe(302);
    const errorPage = new URL(authorize.headers.get('location')!);
    expect(errorPage.origin).toBe(provider.loginUiUrl);
    expect(errorPage.searchParams.get('error')).toBe('temporarily_unavailable');
    const page = await call(errorPage.toString());
    expect(page.status).toBe(503);
    expect(page.text).toContain('Tessera is busy right now');

    // A person who had the login form open: the user directory is down, so a 503 page, not a 500.
    const signInPage = await person.submit(loginForm, undefined, { username: user.username, password: user.password }, 'Sign in');
    expect(signInPage.status).toBe(503);
    expect(signInPage.body).toContain('Tessera is temporarily unavailable');
    expect(signInPage.body).not.toContain(user.password);

    // Keys and discovery come from memory; a failed key reload keeps the keys it had.
    await expect(provider.tokenServiceApp.get(SigningKeys).reload()).rejects.toThrow();
    const jwks = await call(`${provider.issuer}/.well-known/jwks.json`);
    expect(jwks.status).toBe(200);
    expect(jwks.text).toBe(jwksBefore.text);
    expect((await call(`${provider.issuer}/.well-known/openid-configuration`)).json.issuer).toBe(provider.issuer);

    await db.start();

    // The same processes recover: the pool reconnects, the refresh token still works once.
    await waitForStatus(`${provider.issuer}/health/ready`, 200, 20);
    await waitForStatus(`${provider.loginUiUrl}/health/ready`, 200, 20);
    const refreshed = await call(`${provider.issuer}/oauth2/token`, form({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }, basic()));
    expect(refreshed.status).toBe(200);
    const userinfo = await call(`${provider.issuer}/oauth2/userinfo`, { headers: { authorization: `Bearer ${String(refreshed.json.access_token)}` } });
    expect(userinfo.status).toBe(200);
    expect(userinfo.json.sub).toBeTruthy();
  });

  it('a code consumed just before the database died is not redeemed twice: 503, then invalid_grant', async () => {
    const request = await authRequest(client);
    const { callback } = await signIn(new Browser(provider.origins), request.url, user);
    const code = callback!.searchParams.get('code')!;
    const exchange = () => call(`${provider.issuer}/oauth2/token`, form({
      grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: request.verifier,
    }, basic()));

    // The database dies after the code was marked used (a committed conditional UPDATE) and
    // before the grant behind the tokens is stored: deterministic, at the worst moment.
    const grants = provider.tokenServiceApp.get(TokenGrantRepository);
    const create = grants.create.bind(grants);
    const spy = jest.spyOn(grants, 'create').mockImplementationOnce(async (fields) => {
      await db.stop('SIGKILL');
      return create(fields);
    });
    try {
      expectTemporarilyUnavailable(await exchange());
    } finally {
      spy.mockRestore();
    }

    await db.start();
    await waitForStatus(`${provider.issuer}/health/ready`, 200, 20);
    const retry = await exchange();
    expect(retry.status).toBe(400);
    expect(retry.json.error).toBe('invalid_grant');
    expect(retry.json.access_token).toBeUndefined();
  });

  it('a lock wait timeout on the code exchange is 503 temporarily_unavailable, and the retry redeems the code exactly once', async () => {
    const request = await authRequest(client);
    const { callback } = await signIn(new Browser(provider.origins), request.url, user);
    const code = callback!.searchParams.get('code')!;
    const exchange = () => call(`${provider.issuer}/oauth2/token`, form({
      grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: request.verifier,
    }, basic()));

    // Another transaction holds the code's row (the server's innodb_lock_wait_timeout is 2 s).
    const target = parseDatabaseUrl(db.url);
    if (target.kind !== 'mysql') throw new Error('unreachable');
    const locker = await createConnection({ host: target.host, port: target.port, user: target.username, database: target.database });
    try {
      await locker.beginTransaction();
      await locker.query('SELECT * FROM authorization_codes WHERE code_hash = ? FOR UPDATE', [hashOpaqueToken(code)]);
      expectTemporarilyUnavailable(await exchange());
      await locker.rollback();
    } finally {
      await locker.end();
    }

    const first = await exchange();
    expect(first.status).toBe(200);
    expect(first.json.access_token).toEqual(expect.any(String));
    const second = await exchange();
    expect(second.status).toBe(400);
    expect(second.json.error).toBe('invalid_grant');
  });

  it('a token service started while the database is down waits, saying for what, and becomes ready when it appears', async () => {
    await db.stop('SIGTERM');
    const logged: string[] = [];
    const logger = new (class extends ConsoleLogger {
      override warn(message: unknown): void {
        logged.push(String(message));
      }
      override log(): void {}
      override error(): void {}
    })();
    const [port, internalPort] = await freePorts(2);
    const config = loadTokenServiceConfig({
      ...provider.env,
      ISSUER: `http://127.0.0.1:${port}`,
      TOKEN_SERVICE_PORT: String(port),
      TOKEN_SERVICE_INTERNAL_PORT: String(internalPort),
    });
    let started: RunningTokenService | undefined;
    let settled = false;
    const starting = startTokenService(config, logger).then((running) => {
      started = running;
      return running;
    }).finally(() => {
      settled = true;
    });
    try {
      // It is still waiting a moment later, and has said what for (never with the password).
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(settled).toBe(false);
      expect(logged.some((m) => m.includes(`waiting for the database at 127.0.0.1:${target(db).port}/`))).toBe(true);
      expect(logged.join('\n')).not.toContain('tessera:tessera');

      await db.start();
      await starting;
      const ready = await call(`http://127.0.0.1:${port}/health/ready`);
      expect(ready.status).toBe(200);
    } finally {
      await starting.catch(() => undefined);
      await started?.close();
    }
  });

  it('gives up after DATABASE_STARTUP_TIMEOUT with a message that names the setting and not the password', async () => {
    await db.stop('SIGTERM');
    const config = loadTokenServiceConfig({ ...provider.env, DATABASE_STARTUP_TIMEOUT: '1' });
    expect(config.databaseStartupTimeout).toBe(1);
    const opening = openTokenServiceDatabase(config, { timeoutSeconds: config.databaseStartupTimeout, log: () => undefined });
    await expect(opening).rejects.toThrow(/did not answer within 1 s \(DATABASE_STARTUP_TIMEOUT\)/);
    await expect(opening).rejects.not.toThrow(/tessera:tessera/);
  });
});

function target(db: ThrowawayMariadb): { port: number } {
  return { port: Number(new URL(db.url).port) };
}
