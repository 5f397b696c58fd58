// Scenario 6 (issue 5): a whole sign-in as a person and a partner make it, through the built token
// service and login UI: authorize → login form → password → consent → code at the partner's
// redirect_uri → code redeemed at the token endpoint (ID, access and refresh token). A fresh cookie
// jar per sign-in (bench/lib/browser.mjs), so the form is always shown; nothing remembered, so the
// consent page is always shown. Beside it, the cost of the password check alone: @node-rs/argon2
// verify with the login UI's parameters (argon2id, 19 MiB, t=2, p=1), in the runner's process, one
// at a time (its latency) and as many at once as the login UI lets run (its throughput on this machine).
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { availableParallelism } from 'node:os';
import { dropDatabase, freshDatabase } from '../lib/mariadb.mjs';
import { startProvider } from '../lib/provider.mjs';
import { discover, registerPartner, signIn, signInLoad } from '../lib/sign-in.mjs';
import { timedLoop } from '../lib/timed-loop.mjs';

const IN_FLIGHT = 8;
const DURATION_MS = 3_000;
const ARGON2_MS = 1_500;
// The login UI's default ARGON2_MAX_CONCURRENCY (apps/login-ui/src/users/users.service.ts): two per CPU.
const ARGON2_IN_FLIGHT = Math.min(availableParallelism() * 2, 256);
const ARGON2ID = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export default {
  id: 6,
  name: 'sign-in',
  title: 'Full sign-in (authorize → login → consent → code → token) and argon2id alone',
  description:
    `${IN_FLIGHT} people signing in at once, each in a fresh cookie jar, for ${DURATION_MS / 1000} s per database (SQLite, then MariaDB, alternating), ` +
    'driven from the runner\'s process (fetch + HTML form parsing). A sign-in is timed from the first GET of the authorize URL to the ' +
    `token response. argon2id verify (19 MiB, t=2, p=1, as the login UI) for ${ARGON2_MS / 1000} s one at a time and ${ARGON2_IN_FLIGHT} at a time ` +
    '(the login UI\'s default concurrency), with nothing else running. Resident memory after the SQLite load.',
  metrics: {
    sqliteSignInsPerSec: { label: 'sign-ins (SQLite)', unit: 'ops/s' },
    sqliteP50Ms: { label: 'sign-in p50 (SQLite)', unit: 'ms' },
    sqliteP99Ms: { label: 'sign-in p99 (SQLite)', unit: 'ms' },
    mariadbSignInsPerSec: { label: 'sign-ins (MariaDB)', unit: 'ops/s' },
    mariadbP50Ms: { label: 'sign-in p50 (MariaDB)', unit: 'ms' },
    mariadbP99Ms: { label: 'sign-in p99 (MariaDB)', unit: 'ms' },
    argon2VerifyMs: { label: 'argon2id verify alone, one at a time', unit: 'ms' },
    argon2VerifiesPerSec: { label: `argon2id verifies, ${ARGON2_IN_FLIGHT} at a time`, unit: 'ops/s' },
    sqliteSignInsToArgon2: { label: 'sign-ins (SQLite) / argon2id verifies', unit: '×' },
    argon2ShareOfP50: { label: 'argon2id verify / sign-in p50 (SQLite)', unit: '×' },
    loginUiRssMiB: { label: 'login UI resident memory after load', unit: 'MiB' },
    tokenServiceRssMiB: { label: 'token service resident memory after load', unit: 'MiB' },
    failedSignIns: { label: 'failed sign-ins', unit: 'count' },
  },
  targets: [{ metric: 'failedSignIns', max: 0, label: 'every sign-in reaches the partner with tokens' }],

  async setup() {
    const started = [];
    try {
      const targets = { sqlite: await signInTarget(await startProvider(), started) };
      let mariadbNotRun;
      try {
        const databaseUrl = await freshDatabase('s6');
        const mariadb = await startProvider({ databaseUrl });
        started.push({ stop: () => dropDatabase(databaseUrl) });
        targets.mariadb = await signInTarget(mariadb, started);
      } catch (err) {
        mariadbNotRun = `not run: ${err.message.split('\n')[0]}`;
        console.log(`  MariaDB part ${mariadbNotRun}`);
      }
      const passwordHash = await hash('correct horse battery staple', ARGON2ID);
      return { started, targets, mariadbNotRun, passwordHash, runs: 0 };
    } catch (err) {
      await stopAllOf(started);
      throw err;
    }
  },

  async run(s) {
    const names = Object.keys(s.targets);
    const order = s.runs++ % 2 === 0 ? names : [...names].reverse();
    const r = {};
    for (const name of order) r[name] = await signInLoad(s.targets[name], { inFlight: IN_FLIGHT, durationMs: DURATION_MS });
    const sqlite = s.targets.sqlite.provider;
    const loginUiRssMiB = sqlite.loginUi.rssMiB();
    const tokenServiceRssMiB = sqlite.tokenService.process.rssMiB();
    const check = () => verify(s.passwordHash, 'correct horse battery staple');
    const one = await timedLoop(check, ARGON2_MS);
    const many = await timedLoop(check, ARGON2_MS, { inFlight: ARGON2_IN_FLIGHT });
    const m = r.mariadb;
    return {
      metrics: {
        sqliteSignInsPerSec: r.sqlite.perSecond,
        sqliteP50Ms: r.sqlite.p50,
        sqliteP99Ms: r.sqlite.p99,
        mariadbSignInsPerSec: m ? m.perSecond : null,
        mariadbP50Ms: m ? m.p50 : null,
        mariadbP99Ms: m ? m.p99 : null,
        argon2VerifyMs: 1000 / one.perSecond,
        argon2VerifiesPerSec: many.perSecond,
        sqliteSignInsToArgon2: r.sqlite.perSecond / many.perSecond,
        argon2ShareOfP50: 1000 / one.perSecond / r.sqlite.p50,
        loginUiRssMiB,
        tokenServiceRssMiB,
        failedSignIns: Object.values(r).reduce((sum, x) => sum + x.failed, 0),
      },
      notes: [...(s.mariadbNotRun ? [`MariaDB ${s.mariadbNotRun}`] : []), ...Object.values(r).flatMap((x) => x.errors)],
      details: { order, loads: r },
    };
  },

  async teardown(s) {
    await stopAllOf(s.started);
  },
};

async function signInTarget(provider, started) {
  // Providers stop before their databases are dropped: stopAllOf goes last to first.
  started.push(provider);
  const client = await registerPartner(provider.tokenService);
  const endpoints = await discover(provider.issuer);
  await signIn(provider, client, endpoints); // the whole way works before it is timed
  return { provider, client, endpoints };
}

async function stopAllOf(started) {
  for (const s of [...started].reverse()) await s.stop().catch(() => undefined);
}
