// Scenario 5 (issue 5): refresh grants per second with rotation and reuse detection, on SQLite and
// on MariaDB. Each request needs a token nobody has used: autocannon cannot chain one answer into the
// next request, so bench/lib/chained-load.mjs runs CHAINS families side by side, each sending its
// next refresh with the token the last answer carried (a closed loop over keep-alive connections).
// The families come from real sign-ins (scenario 6's client and pages) made in setup, outside the
// timed part. Every run also checks, on a family of its own, that a replayed token is refused and
// ends its family.
import { chainedLoad } from '../lib/chained-load.mjs';
import { dropDatabase, freshDatabase } from '../lib/mariadb.mjs';
import { startProvider } from '../lib/provider.mjs';
import { reuseIsDetected } from '../lib/refresh.mjs';
import { SIGN_IN_SCOPE } from '../lib/sign-in.mjs';
import { refreshTarget } from '../lib/targets.mjs';

const CHAINS = 16;
const DURATION_SECONDS = 3;
const WARMUP_SECONDS = 0.5;

export default {
  id: 5,
  name: 'refresh-rotation',
  title: 'Refresh-token rotation: refresh grants per second (SQLite, MariaDB)',
  description:
    `${CHAINS} refresh-token families from real sign-ins (scope "${SIGN_IN_SCOPE}"), each refreshed back to back with the token the ` +
    `last answer carried, for ${DURATION_SECONDS} s after a ${WARMUP_SECONDS} s warm-up, by a closed-loop node:http client in the runner's process ` +
    '(autocannon cannot chain answers into requests). Each refresh is the real grant: look-up by hash, reuse check, grant still active, ' +
    'mark used, new refresh token stored, new access token and ID token signed (two RS256 signatures). Built token service and login UI, ' +
    'rate limits off; SQLite and MariaDB alternate first. "Reuse detected" replays a rotated token on a family of its own each run.',
  metrics: {
    sqlitePerSec: { label: 'refreshes (SQLite)', unit: 'req/s' },
    sqliteP50Ms: { label: 'refresh p50 (SQLite)', unit: 'ms' },
    sqliteP99Ms: { label: 'refresh p99 (SQLite)', unit: 'ms' },
    mariadbPerSec: { label: 'refreshes (MariaDB)', unit: 'req/s' },
    mariadbP50Ms: { label: 'refresh p50 (MariaDB)', unit: 'ms' },
    mariadbP99Ms: { label: 'refresh p99 (MariaDB)', unit: 'ms' },
    failedRequests: { label: 'failed refreshes', unit: 'count' },
    reuseDetected: { label: 'replayed token refused and family ended (1 = yes, every database)', unit: 'count' },
  },
  targets: [
    { metric: 'failedRequests', max: 0, label: 'no failed refresh' },
    { metric: 'reuseDetected', min: 1, label: 'a replayed refresh token is refused and ends its family' },
  ],

  async setup() {
    const started = [];
    try {
      const sqlite = await startProvider();
      started.push(sqlite);
      const targets = { sqlite: await refreshTarget(sqlite, CHAINS) };
      let mariadbNotRun;
      try {
        const databaseUrl = await freshDatabase('s5');
        const mariadb = await startProvider({ databaseUrl });
        started.push({ stop: async () => { await mariadb.stop(); await dropDatabase(databaseUrl); } });
        targets.mariadb = await refreshTarget(mariadb, CHAINS);
      } catch (err) {
        mariadbNotRun = `not run: ${err.message.split('\n')[0]}`;
        console.log(`  MariaDB part ${mariadbNotRun}`);
      }
      return { started, targets, mariadbNotRun, runs: 0 };
    } catch (err) {
      await Promise.allSettled(started.map((s) => s.stop()));
      throw err;
    }
  },

  async run(s) {
    const names = Object.keys(s.targets);
    const order = s.runs++ % 2 === 0 ? names : [...names].reverse();
    const r = {};
    let reuseDetected = 1;
    for (const name of order) {
      const t = s.targets[name];
      r[name] = await chainedLoad(t.chains, t.step, { durationSeconds: DURATION_SECONDS, warmupSeconds: WARMUP_SECONDS });
      if (!(await reuseIsDetected(t.provider, t.client))) reuseDetected = 0;
    }
    const m = r.mariadb;
    return {
      metrics: {
        sqlitePerSec: r.sqlite.requestsPerSecond,
        sqliteP50Ms: r.sqlite.latencyP50Ms,
        sqliteP99Ms: r.sqlite.latencyP99Ms,
        mariadbPerSec: m ? m.requestsPerSecond : null,
        mariadbP50Ms: m ? m.latencyP50Ms : null,
        mariadbP99Ms: m ? m.latencyP99Ms : null,
        failedRequests: Object.values(r).reduce((sum, x) => sum + x.failedRequests, 0),
        reuseDetected,
      },
      notes: s.mariadbNotRun ? [`MariaDB ${s.mariadbNotRun}`] : [],
      details: { order, loads: r },
    };
  },

  async teardown(s) {
    await Promise.allSettled(s.started.map((x) => x.stop()));
  },
};
