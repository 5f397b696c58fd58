/**
 * The login UI's metrics as an operator scrapes them: sign-in outcomes and lockouts moved by what
 * people do on the real login form, on a listener of their own behind METRICS_TOKEN, and never
 * on the public port, where a guesser could watch their campaign.
 */
import { Browser } from './browser';
import { Provider, RegisteredClient, startProvider, TestUser } from './harness';
import { authRequest, signIn } from './sign-in';
import { isSharedDatabase } from '../support/test-database';

const INVALID_CREDENTIALS = 'Invalid username or password.';
const OUTCOMES = ['success', 'bad_credentials', 'unknown_account', 'locked', 'disabled', 'unavailable'];

describe('login UI metrics', () => {
  let provider: Provider;
  let client: RegisteredClient;
  const metricsToken = 't'.repeat(40);

  beforeAll(async () => {
    provider = await startProvider({ METRICS_TOKEN: metricsToken, LOCKOUT_MAX_FAILURES: '2', RATE_LIMIT_LOGIN: '1000/60' });
    client = await provider.registerClient({ redirect_uris: ['https://partner.example/callback'] });
  });
  afterAll(() => provider?.close());

  const scrape = (base: string, token?: string) => fetch(`${base}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

  /** `name{labels}` → value of one scrape. */
  async function metrics(): Promise<Map<string, number>> {
    const res = await scrape(provider.loginUiMetricsUrl, metricsToken);
    expect(res.status).toBe(200);
    const values = new Map<string, number>();
    for (const line of (await res.text()).split('\n')) {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
      if (match) values.set(match[1], Number(match[2]));
    }
    return values;
  }

  /** How much each sign-in outcome and the lockout count moved while `action` ran. */
  async function movedBy(action: () => Promise<void>): Promise<Record<string, number>> {
    const before = await metrics();
    await action();
    const after = await metrics();
    const delta = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
    const moved: Record<string, number> = { lockouts: delta('tessera_lockouts_total') };
    for (const outcome of OUTCOMES) moved[outcome] = delta(`tessera_sign_ins_total{outcome="${outcome}"}`);
    return moved;
  }

  const none = { success: 0, bad_credentials: 0, unknown_account: 0, locked: 0, disabled: 0, unavailable: 0, lockouts: 0 };

  /** One sign-in through the real form, in a fresh browser; the page it ended on. */
  async function attempt(user: Pick<TestUser, 'username' | 'password'>) {
    return signIn(new Browser(provider.origins), (await authRequest(client)).url, user);
  }

  it('a successful sign-in moves `success` by exactly 1', async () => {
    const user = await provider.createUser();
    const moved = await movedBy(async () => {
      expect((await attempt(user)).callback?.searchParams.get('code')).toBeTruthy();
    });
    expect(moved).toEqual({ ...none, success: 1 });
  });

  it('a wrong password moves `bad_credentials` by exactly 1, and an unknown name `unknown_account`', async () => {
    const user = await provider.createUser();
    const wrong = await movedBy(async () => {
      expect((await attempt({ ...user, password: 'not-the-password' })).page.body).toContain(INVALID_CREDENTIALS);
    });
    expect(wrong).toEqual({ ...none, bad_credentials: 1 });
    const unknown = await movedBy(async () => {
      expect((await attempt({ username: `${user.username}x`, password: user.password })).page.body).toContain(INVALID_CREDENTIALS);
    });
    expect(unknown).toEqual({ ...none, unknown_account: 1 });
  });

  it('the failure that locks an account moves `lockouts` by 1; a sign-in while locked moves `locked` by 1', async () => {
    const user = await provider.createUser();
    await attempt({ ...user, password: 'wrong-1' });
    const locking = await movedBy(async () => { await attempt({ ...user, password: 'wrong-2' }); });
    expect(locking).toEqual({ ...none, bad_credentials: 1, lockouts: 1 });

    let page = '';
    const whileLocked = await movedBy(async () => { page = (await attempt(user)).page.body; });
    expect(whileLocked).toEqual({ ...none, locked: 1 });
    // The person (or the guesser) is told nothing about the lock.
    expect(page).toContain(INVALID_CREDENTIALS);
  });

  it('count requests by route pattern and status, and report the argon2 work and the database pool', async () => {
    const user = await provider.createUser();
    await attempt({ ...user, password: 'not-the-password' });
    await attempt(user);
    const values = await metrics();
    expect(values.get('tessera_http_requests_total{method="POST",route="/login",status="303"}')).toBeGreaterThanOrEqual(1);
    expect(values.get('tessera_http_requests_total{method="POST",route="/login",status="200"}')).toBeGreaterThanOrEqual(1);
    expect(values.get('tessera_http_request_duration_seconds_count{method="GET",route="/login"}')).toBeGreaterThanOrEqual(1);
    expect(values.get('tessera_argon2_tasks{state="running"}')).toBe(0);
    // mysql2 has a pool and says how many connections are idle; embedded SQLite has none.
    expect(values.has('tessera_db_pool_connections{state="idle"}')).toBe(isSharedDatabase());
  });

  it('are served only on the metrics listener, with the metrics token', async () => {
    expect((await scrape(provider.loginUiUrl, metricsToken)).status).toBe(404);
    expect((await scrape(provider.loginUiMetricsUrl)).status).toBe(401);
    expect((await scrape(provider.loginUiMetricsUrl, 'x'.repeat(40))).status).toBe(401);
    const res = await scrape(provider.loginUiMetricsUrl, metricsToken);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    // The metrics listener serves nothing of the app.
    expect((await fetch(`${provider.loginUiMetricsUrl}/login`)).status).toBe(404);
  });
});
