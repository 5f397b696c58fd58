#!/usr/bin/env node
// `npm start`: runs the built token service and login UI side by side (after `prestart` built them),
// passes their logs through, waits until both answer, then says where they are and what to do next.
// SIGTERM/SIGINT stop both; if either one exits on its own, the other is stopped and this exits non-zero.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const APPS = [
  { name: 'token-service', main: 'dist/apps/token-service/apps/token-service/src/main.js' },
  { name: 'login-ui', main: 'dist/apps/login-ui/apps/login-ui/src/main.js' },
];
const READY_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 10_000;

// The same defaults the apps' config loaders use; the apps validate the values themselves.
const env = process.env;
const issuer = (env.ISSUER?.trim() || 'http://localhost:3000').replace(/\/+$/, '');
const loginUiUrl = (env.LOGIN_UI_URL?.trim() || 'http://localhost:3001').replace(/\/+$/, '');

for (const app of APPS) {
  if (!existsSync(join(root, app.main))) {
    console.error(`start: ${app.main} is missing; build first with 'npm run build' (npm start does it for you).`);
    process.exit(1);
  }
}

let stopping = false;
let exitCode = 0;
const children = APPS.map((app) => {
  const child = spawn(process.execPath, [join(root, app.main)], { cwd: root, env, stdio: 'inherit' });
  const entry = { ...app, child, exited: false };
  child.on('exit', (code, signal) => {
    entry.exited = true;
    if (!stopping) {
      console.error(`start: the ${app.name} exited (${signal ?? `code ${code}`}); stopping the other app.`);
      exitCode = code || 1;
      stopAll('SIGTERM');
    }
    if (children.every((c) => c.exited)) process.exit(exitCode);
  });
  child.on('error', (err) => {
    console.error(`start: could not run the ${app.name}: ${err.message}`);
    entry.exited = true;
    exitCode = 1;
    stopAll('SIGTERM');
    if (children.every((c) => c.exited)) process.exit(exitCode);
  });
  return entry;
});

function stopAll(signal) {
  if (stopping) return;
  stopping = true;
  for (const { child, exited } of children) if (!exited) child.kill(signal);
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

async function waitUntilReady() {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!stopping) {
    const [tokenService, loginUi] = await Promise.all([
      answers(`${issuer}/.well-known/openid-configuration`, { requireOk: true }),
      answers(`${loginUiUrl}/`, { requireOk: false }),
    ]);
    if (tokenService && loginUi) return true;
    if (Date.now() > deadline) {
      console.error(`start: not ready after ${READY_TIMEOUT_MS / 1000} s (${[
        tokenService ? '' : `${issuer}/.well-known/openid-configuration does not answer`,
        loginUi ? '' : `${loginUiUrl}/ does not answer`,
      ].filter(Boolean).join('; ')}). Check ISSUER, LOGIN_UI_URL and the ports.`);
      exitCode = 1;
      stopAll('SIGTERM');
      return false;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

function banner() {
  const registration = env.INITIAL_ACCESS_TOKEN
    ? [
      '  or over RFC 7591 dynamic registration, with the initial access token from INITIAL_ACCESS_TOKEN:',
      `    curl -s -X POST ${issuer}/oauth2/register \\`,
      '      -H "Authorization: Bearer $INITIAL_ACCESS_TOKEN" -H "Content-Type: application/json" \\',
      '      -d \'{"client_name":"My app","redirect_uris":["http://localhost:8080/callback"]}\'',
    ]
    : ['  (dynamic registration at /oauth2/register is off until INITIAL_ACCESS_TOKEN is set)'];
  const lines = [
    '',
    'Tessera is running.',
    `  Issuer (token service)   ${issuer}`,
    `  Discovery                ${issuer}/.well-known/openid-configuration`,
    `  Login UI                 ${loginUiUrl}`,
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
