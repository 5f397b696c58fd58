/**
 * ISSUER_INTERNAL_URL (issue 7). Under docker compose ISSUER is the browser's address of the
 * issuer, which inside the login UI's container is the container itself; so the login UI reaches
 * the issuer's public endpoints through the proxy, by its service name. Here a small proxy in front
 * of the token service's public listener plays that part: the login UI is told to reach the issuer
 * there, and everything the console and the users API ask of the issuer (discovery, token endpoint,
 * JWKS, introspection, status lists) must pass through it — with the proxy's own Host, as nginx
 * sends it — while browsers keep using ISSUER and tokens keep naming it.
 */
import { ADMIN_API_PREFIX, ADMIN_ROLE } from '@tessera/contracts';
import { createServer, request, Server } from 'node:http';
import { freePorts } from '../support/free-port';
import { cliAdminClient, createPerson, serviceToken } from './admin-api';
import { Browser, Page } from './browser';
import { Provider, startProvider } from './harness';
import { signIn } from './sign-in';

interface Passed {
  method: string;
  path: string;
  host: string;
  status: number;
}

/** The compose proxy as the login UI sees it: forwards to `target` and notes each request. */
async function startInternalProxy(): Promise<{ url: string; target?: number; passed: Passed[]; close(): Promise<void> }> {
  const [port] = await freePorts(1);
  const proxy = {
    url: `http://127.0.0.1:${port}`,
    target: undefined as number | undefined,
    passed: [] as Passed[],
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
  const server: Server = createServer((req, res) => {
    const note = (status: number) => proxy.passed.push({ method: req.method ?? '', path: new URL(req.url ?? '/', proxy.url).pathname, host: req.headers.host ?? '', status });
    const upstream = request({ host: '127.0.0.1', port: proxy.target, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      note(answer.statusCode ?? 502);
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      note(502);
      res.writeHead(502).end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
  return proxy;
}

describe('the login UI reaches the issuer at ISSUER_INTERNAL_URL', () => {
  let proxy: Awaited<ReturnType<typeof startInternalProxy>>;
  let provider: Provider;
  let console_: Browser;
  let adminToken: string;
  let admin: Awaited<ReturnType<typeof createPerson>>;
  /** The console page the administrator landed on after signing in. */
  let landed: Page;

  const url = (path: string) => `${provider.loginUiUrl}${path}`;
  const text = (page: Page) => page.document().text.replace(/\s+/g, ' ');
  /**
   * `METHOD path` of what passed through the proxy from the `from`-th request on, after checking each
   * went through. The clients cache discovery, keys and status lists: what a test's step fetches
   * afresh is looked for from its start, what may have been fetched by an earlier step in the whole log.
   */
  const passed = (from = 0) => proxy.passed.slice(from).map((p) => {
    expect(p).toMatchObject({ host: new URL(proxy.url).host, status: 200 });
    return `${p.method} ${p.path}`;
  });

  beforeAll(async () => {
    proxy = await startInternalProxy();
    provider = await startProvider({ ISSUER_INTERNAL_URL: proxy.url });
    proxy.target = Number(provider.env.TOKEN_SERVICE_PORT);
    adminToken = await serviceToken(provider, await cliAdminClient(provider));
    admin = await createPerson(provider, [ADMIN_ROLE]);
    // The browser may visit only ISSUER and LOGIN_UI_URL (provider.origins), never the proxy.
    console_ = new Browser(provider.origins);
    ({ page: landed } = await signIn(console_, new URL(`${provider.loginUiUrl}/admin`), admin));
  });

  afterAll(async () => {
    await provider?.close();
    await proxy?.close();
  });

  it('signs an administrator in to the console: discovery and the token endpoint through the proxy, the browser at ISSUER', () => {
    expect(landed.status).toBe(200);
    expect(landed.url).toBe(url('/admin'));
    expect(text(landed)).toContain(`Signed in as ${admin.name}`);
    expect(passed()).toEqual(expect.arrayContaining(['GET /.well-known/openid-configuration', 'POST /oauth2/token']));
  });

  it('shows the published JWKS on the keys page, fetched through the proxy and named by its public URL', async () => {
    const from = proxy.passed.length;
    const page = await console_.get(url('/admin/keys'));
    expect(page.status).toBe(200);
    expect(text(page)).toContain(`${provider.issuer}/.well-known/jwks.json`);
    expect(text(page)).not.toContain('could not be fetched');
    expect(page.document().querySelectorAll('pre').some((pre) => pre.text.includes('"keys"'))).toBe(true);
    expect(passed(from)).toContain('GET /.well-known/jwks.json');
  });

  it('inspects a token against the keys and the introspection endpoint reached through the proxy; its iss is still ISSUER', async () => {
    const from = proxy.passed.length;
    const form = await console_.get(url('/admin/inspect'));
    const page = await console_.submit(form, 'main form', { token: adminToken }, 'Inspect');
    const facts = Object.fromEntries(page.document().querySelectorAll('dl.facts dt').map((dt) => [dt.text.trim(), (dt.nextElementSibling?.text ?? '').replace(/\s+/g, ' ').trim()]));
    expect(facts.Signature).toMatch(/^verified with the published key/);
    expect(facts.Issuer).toContain('this issuer');
    expect(facts.Revocation).toMatch(/^active Not revoked/);
    expect(passed(from)).toContain('POST /oauth2/introspect');
    expect(passed()).toContain('GET /.well-known/jwks.json');
  });

  it('verifies tokens at the users API with keys and status list reached through the proxy', async () => {
    const res = await fetch(`${provider.loginUiUrl}${ADMIN_API_PREFIX}/users?limit=1`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(res.status).toBe(200);
    // Only this verifier reads status lists in the login UI (the console pages call the users API too).
    expect(passed().some((p) => p.startsWith('GET /oauth2/status-lists/'))).toBe(true);
  });
});
