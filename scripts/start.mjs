#!/usr/bin/env node
// `npm start`: runs the built token service and login UI side by side (after `prestart` built them),
// then the partner demo once the token service answers (it registers its client there); passes
// their logs through, waits until all three answer, then says where they are and what to do next.
// Outside production it also gives the console an administrator (see devAdmin below).
// SIGTERM/SIGINT stop them all; if one exits on its own, the others are stopped and this exits non-zero.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TOKEN_SERVICE = { name: 'token-service', main: 'dist/apps/token-service/apps/token-service/src/main.js' };
const LOGIN_UI = { name: 'login-ui', main: 'dist/apps/login-ui/apps/login-ui/src/main.js' };
const PARTNER_DEMO = { name: 'partner-demo', main: 'dist/apps/partner-demo/apps/partner-demo/src/main.js' };
const APPS = [TOKEN_SERVICE, LOGIN_UI, PARTNER_DEMO];
const READY_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 10_000;

// The same defaults the apps' config loaders use; the apps validate the values themselves.
const operatorSetInitialAccessToken = Boolean(process.env.INITIAL_ACCESS_TOKEN?.trim());
const env = {
  ...process.env,
  // The partner demo registers its client over RFC 7591, which needs an initial access token. When
  // the operator has not set one, a random one made for this run goes to the token service and the
  // demo only: registration stays closed to everybody else, and the token dies with this run.
  ...(operatorSetInitialAccessToken ? {} : { INITIAL_ACCESS_TOKEN: randomBytes(32).toString('base64url') }),
};
const issuer = (env.ISSUER?.trim() || 'http://localhost:3000').replace(/\/+$/, '');
const loginUiUrl = (env.LOGIN_UI_URL?.trim() || 'http://localhost:3001').replace(/\/+$/, '');
const partnerDemoUrl = (env.PARTNER_DEMO_URL?.trim() || 'http://localhost:3002').replace(/\/+$/, '');

for (const app of APPS) {
  if (!existsSync(join(root, app.main))) {
    console.error(`start: ${app.main} is missing; build first with 'npm run build' (npm start does it for you).`);
    process.exit(1);
  }
}

const admin = devAdmin();
let stopping = false;
let exitCode = 0;
const children = [];

/**
 * Outside production, when the operator names no administrator (ADMIN_USERNAME, ADMIN_PASSWORD), the
 * console gets one: `admin` with a random password kept in DATA_DIR/dev-admin.json (0600), made once
 * and reused, given to the login UI only, which creates the account when its user directory is empty
 * (users/admin-bootstrap.ts). The banner names the file, never the password.
 */
function devAdmin() {
  if (env.NODE_ENV === 'production' || env.ADMIN_USERNAME?.trim() || env.ADMIN_PASSWORD) return undefined;
  // The apps resolve DATA_DIR against their working directory, which is `root`.
  const file = resolve(root, env.DATA_DIR?.trim() || './data', 'dev-admin.json');
  const shown = relative(process.cwd(), file);
  const where = shown.startsWith('..') || isAbsolute(shown) ? file : shown;
  if (!existsSync(file)) {
    // Long enough for any PASSWORD_MIN_LENGTH (at most 64), and 32 characters at least.
    const length = Math.min(64, Math.max(32, Number.parseInt(env.PASSWORD_MIN_LENGTH ?? '', 10) || 0));
    const password = randomBytes(48).toString('base64url').slice(0, length);
    mkdirSync(dirname(file), { recursive: true });
    try {
      writeFileSync(file, `${JSON.stringify({ username: 'admin', password }, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if (err.code !== 'EEXIST') throw err; // another start made it a moment ago: use theirs
    }
  }
  let stored;
  try {
    stored = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    stored = undefined;
  }
  if (typeof stored?.username !== 'string' || typeof stored?.password !== 'string') {
    console.error(`start: ${where} is not the {"username","password"} that npm start writes; delete it to make a new one.`);
    process.exit(1);
  }
  return { username: stored.username, password: stored.password, file: where };
}

function start(app, appEnv = env) {
  const child = spawn(process.execPath, [join(root, app.main)], { cwd: root, env: appEnv, stdio: 'inherit' });
  const entry = { ...app, child, exited: false };
  children.push(entry);
  child.on('exit', (code, signal) => {
    entry.exited = true;
    if (!stopping) {
      console.error(`start: the ${app.name} exited (${signal ?? `code ${code}`}); stopping the other apps.`);
      exitCode = code || 1;
      stopAll('SIGTERM');
    }
    exitWhenAllStopped();
  });
  child.on('error', (err) => {
    console.error(`start: could not run the ${app.name}: ${err.message}`);
    entry.exited = true;
    exitCode = 1;
    stopAll('SIGTERM');
    exitWhenAllStopped();
  });
}

function exitWhenAllStopped() {
  if (children.every((c) => c.exited)) process.exit(exitCode);
}

start(TOKEN_SERVICE);
start(LOGIN_UI, admin ? { ...env, ADMIN_USERNAME: admin.username, ADMIN_PASSWORD: admin.password } : env);

function stopAll(signal) {
  if (stopping) return;
  stopping = true;
  for (const { child, exited } of children) if (!exited) child.kill(signal);
  exitWhenAllStopped();
  // An app that does not finish its shutdown in time is ended.
  setTimeout(() => {
    for (const { child, exited } of children) if (!exited) child.kill('SIGKILL');
  }, STOP_GRACE_MS).unref();
}

for (const signal of ['SIGTERM', 'SIGINT']) {
  // Handled more than once on purpose: the signal may come both from the terminal (to the whole
  // process group) and from npm, and a second one must not end this process before its children.
  process.on(signal, () => stopAll(signal));
}

async function answers(url, { requireOk }) {
  try {
    const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return !requireOk || res.ok;
  } catch {
    return false;
  }
}

/** Polls until every check answers; false (everything stopped) when the deadline passes first. */
async function waitFor(checks, deadline) {
  while (!stopping) {
    const results = await Promise.all(checks.map((check) => answers(check.url, check)));
    if (results.every(Boolean)) return true;
    if (Date.now() > deadline) {
      const missing = checks.filter((_, i) => !results[i]).map((check) => `${check.url} does not answer`);
      console.error(`start: not ready after ${READY_TIMEOUT_MS / 1000} s (${missing.join('; ')}). Check ISSUER, LOGIN_UI_URL, PARTNER_DEMO_URL and the ports.`);
      exitCode = 1;
      stopAll('SIGTERM');
      return false;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

async function waitUntilReady() {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const tokenService = { url: `${issuer}/.well-known/openid-configuration`, requireOk: true };
  // The partner demo registers its client at the token service: start it once the issuer answers.
  if (!(await waitFor([tokenService], deadline))) return false;
  start(PARTNER_DEMO);
  return waitFor([
    tokenService,
    { url: `${loginUiUrl}/`, requireOk: false },
    { url: `${partnerDemoUrl}/health`, requireOk: true },
  ], deadline);
}

function banner() {
  const registration = operatorSetInitialAccessToken
    ? [
      '  or over RFC 7591 dynamic registration, with the initial access token from INITIAL_ACCESS_TOKEN:',
      `    curl -s -X POST ${issuer}/oauth2/register \\`,
      '      -H "Authorization: Bearer $INITIAL_ACCESS_TOKEN" -H "Content-Type: application/json" \\',
      '      -d \'{"client_name":"My app","redirect_uris":["http://localhost:8080/callback"]}\'',
    ]
    : ['  (dynamic registration at /oauth2/register is open only to the partner demo until you set INITIAL_ACCESS_TOKEN)'];
  const lines = [
    '',
    'Tessera is running.',
    `  Issuer (token service)   ${issuer}`,
    `  Discovery                ${issuer}/.well-known/openid-configuration`,
    `  Login UI                 ${loginUiUrl}`,
    `  Partner demo             ${partnerDemoUrl}`,
    `  Admin console            ${loginUiUrl}/admin — ${admin
      ? `sign in as ${admin.username} with the password in ${admin.file}`
      : 'sign in as a person with the admin role (users:create … --role admin)'}`,
    `  Database                 ${describeDatabase(env.DATABASE_URL)}`,
    '',
    'Create a user:',
    '  npm run cli -- users:create --username alice --password \'choose-a-long-one\' --email alice@example.com --name "Alice"',
    '',
    'Register a client (prints its client_id and, once, its client_secret):',
    '  npm run cli -- clients:create --name "My app" --redirect-uri http://localhost:8080/callback',
    ...registration,
    '',
    'Stop with Ctrl-C.',
    '',
    `Open ${partnerDemoUrl} and sign in as a user you created (npm run cli -- users:create …)`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function describeDatabase(url) {
  const value = url?.trim();
  if (!value) return 'SQLite, ./data/tessera.sqlite';
  if (value.startsWith('sqlite:')) return `SQLite, ${value.slice('sqlite:'.length)}`;
  try {
    const parsed = new URL(value);
    return `${parsed.protocol.replace(':', '')} at ${parsed.host}${parsed.pathname}`; // never the password
  } catch {
    return 'as configured by DATABASE_URL';
  }
}

if (await waitUntilReady()) banner();
