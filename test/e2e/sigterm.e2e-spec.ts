/**
 * A real stop, as an orchestrator sends it: the BUILT app runs as a child process, gets SIGTERM
 * while a client is still sending a request, and must answer that request, refuse new connections
 * meanwhile, and exit with code 0 within SHUTDOWN_TIMEOUT. (shutdown-and-metrics.e2e-spec.ts checks
 * the same close() in-process; this one checks the signal wiring of main() and the process exit.)
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePorts } from '../support/free-port';
import { sharedDatabaseUrl, stableSecretFor, testDatabaseUrl } from '../support/test-database';

const ROOT = resolve(__dirname, '..', '..');
const MAINS = {
  'token-service': join(ROOT, 'dist/apps/token-service/apps/token-service/src/main.js'),
  'login-ui': join(ROOT, 'dist/apps/login-ui/apps/login-ui/src/main.js'),
};
const SHUTDOWN_TIMEOUT_SECONDS = 10;

/** Newest modification time of the TypeScript sources an app is built from (its src and every lib). */
function newestSource(app: keyof typeof MAINS): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  walk(join(ROOT, 'apps', app, 'src'));
  for (const lib of readdirSync(join(ROOT, 'libs'))) walk(join(ROOT, 'libs', lib, 'src'));
  return newest;
}

/** Builds the apps whose dist is missing or older than their sources, once, with the project's own build. */
async function ensureBuilt(): Promise<void> {
  const stale = (Object.keys(MAINS) as (keyof typeof MAINS)[])
    .filter((app) => !existsSync(MAINS[app]) || statSync(MAINS[app]).mtimeMs < newestSource(app));
  if (stale.length === 0) return;
  await promisify(execFile)('npx', ['nest', 'build', ...stale], { cwd: ROOT, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 });
}

function secret(): string {
  return randomBytes(32).toString('base64url');
}

interface Child {
  process: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startBuilt(app: keyof typeof MAINS, env: Record<string, string>): Child {
  const child = spawn(process.execPath, [MAINS[app]], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  return { process: child, output: () => output, exited };
}

/** Resolves once `url` answers 200; fails with the child's output if it exits or takes too long. */
async function waitUntilAnswering(child: Child, url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  let exited = false;
  void child.exited.then(() => { exited = true; });
  while (Date.now() < deadline && !exited) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} never answered 200 (${exited ? 'the process exited' : 'timed out'}); output:\n${child.output()}`);
}

/** Whether a TCP connection to the port is accepted right now. */
function accepts(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); done(true); });
    socket.once('error', () => done(false));
  });
}

/** Polls until the port refuses connections (the stop has begun); false if it never does. */
async function refusesSoon(port: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (!(await accepts(port))) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/**
 * A slow client: a form POST whose headers go out now and whose body only when `finish()` is
 * called, so the request is in flight for as long as the test wants.
 */
function slowPost(port: number, path: string, body: string) {
  let req: ReturnType<typeof httpRequest> | undefined;
  const answered = new Promise<{ status: number; text: string }>((done, fail) => {
    req = httpRequest({
      host: '127.0.0.1', port, method: 'POST', path, agent: false,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) },
    }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => { text += chunk.toString(); });
      res.on('end', () => done({ status: res.statusCode ?? 0, text }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.flushHeaders();
  });
  return { answered, finish: () => req!.end(body) };
}

/**
 * How the child exited, or 'still running' after `ms`: a liveness bound (the shutdown timeout plus
 * slack), not a performance assertion.
 */
async function exitWithin(child: Child, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise((r) => { timer = setTimeout(r, ms, 'still running'); });
  try {
    return await Promise.race([child.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Kills a child still running when a test failed half-way, so Jest is not held open by it. */
async function stop(child: Child | undefined): Promise<void> {
  if (!child || child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill('SIGKILL');
  await child.exited;
}

describe('SIGTERM to the built apps', () => {
  let tmp: string;
  let env: Record<string, string>;
  let ports: { issuer: number; internal: number; loginUi: number; loginUiMetrics: number };
  const children: Child[] = [];

  beforeAll(async () => {
    await ensureBuilt();
    tmp = mkdtempSync(join(tmpdir(), 'tessera-sigterm-'));
    const [issuer, internal, loginUi, loginUiMetrics] = await freePorts(4);
    ports = { issuer, internal, loginUi, loginUiMetrics };
    const shared = sharedDatabaseUrl();
    env = {
      NODE_ENV: 'test',
      ISSUER: `http://127.0.0.1:${issuer}`,
      TOKEN_SERVICE_HOST: '127.0.0.1',
      TOKEN_SERVICE_PORT: String(issuer),
      TOKEN_SERVICE_INTERNAL_HOST: '127.0.0.1',
      TOKEN_SERVICE_INTERNAL_PORT: String(internal),
      TOKEN_SERVICE_INTERNAL_URL: `http://127.0.0.1:${internal}`,
      LOGIN_UI_URL: `http://127.0.0.1:${loginUi}`,
      LOGIN_UI_HOST: '127.0.0.1',
      LOGIN_UI_PORT: String(loginUi),
      LOGIN_UI_METRICS_PORT: String(loginUiMetrics),
      DATA_DIR: tmp,
      DATABASE_URL: testDatabaseUrl(tmp),
      KEY_ENCRYPTION_SECRET: shared ? stableSecretFor(shared, 'KEY_ENCRYPTION_SECRET') : secret(),
      INTERNAL_API_SECRET: secret(),
      LOGIN_UI_SECRET: secret(),
      SHUTDOWN_TIMEOUT: String(SHUTDOWN_TIMEOUT_SECONDS),
    };
  }, 300_000);

  afterAll(async () => {
    await Promise.all(children.map(stop));
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('the token service answers the request in flight, refuses new connections, and exits 0', async () => {
    const child = startBuilt('token-service', env);
    children.push(child);
    await waitUntilAnswering(child, `${env.ISSUER}/.well-known/openid-configuration`);

    const inFlight = slowPost(ports.issuer, '/oauth2/token', 'grant_type=client_credentials&client_id=nobody');
    await new Promise((r) => setTimeout(r, 100)); // let the server take the request's headers
    child.process.kill('SIGTERM');

    expect(await refusesSoon(ports.issuer)).toBe(true);
    expect(await accepts(ports.internal)).toBe(false);
    expect(child.process.exitCode).toBeNull(); // still running: a request is in flight

    inFlight.finish();
    const response = await inFlight.answered;
    // The endpoint's real answer, not a cut connection.
    expect(response.status).toBe(401);
    expect(JSON.parse(response.text)).toMatchObject({ error: 'invalid_client' });
    expect(await exitWithin(child, (SHUTDOWN_TIMEOUT_SECONDS + 5) * 1000)).toEqual({ code: 0, signal: null });
  });

  it('the login UI answers the request in flight, closes its metrics listener too, and exits 0', async () => {
    const child = startBuilt('login-ui', env);
    children.push(child);
    await waitUntilAnswering(child, `${env.LOGIN_UI_URL}/`);

    const inFlight = slowPost(ports.loginUi, '/login', 'login_challenge=abc&username=someone&password=secret-password');
    await new Promise((r) => setTimeout(r, 100));
    child.process.kill('SIGTERM');

    expect(await refusesSoon(ports.loginUi)).toBe(true);
    expect(await refusesSoon(ports.loginUiMetrics)).toBe(true);
    expect(child.process.exitCode).toBeNull();

    inFlight.finish();
    const response = await inFlight.answered;
    // No CSRF cookie: the sign-in is refused with the login UI's own page, a complete answer.
    expect(response.status).toBe(403);
    expect(response.text).toContain('</html>');
    expect(await exitWithin(child, (SHUTDOWN_TIMEOUT_SECONDS + 5) * 1000)).toEqual({ code: 0, signal: null });
  });
});
