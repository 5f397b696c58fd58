// Scenario 8 (issue 5): does a request cost more when the tables are big? Scenarios 4 and 5 on two
// MariaDB databases side by side, one empty and one seeded with 1,000,000 refresh tokens (100,000
// rotated families), 100,000 users and 10,000 clients (bench/lib/seed.mjs; multi-row INSERTs in
// batches, in setup, outside the timed part). Each with its own built token service and login UI.
// Every run loads both in alternating slices, so the ratio compares numbers of one run. DESIGN.md:
// every query on a request path is served by an index, so the ratio should stay near 1.
import { chainedSlices } from '../lib/chained-load.mjs';
import { loadSlices } from '../lib/load.mjs';
import { dropDatabase, freshDatabase } from '../lib/mariadb.mjs';
import { startProvider } from '../lib/provider.mjs';
import { seedGrowth } from '../lib/seed.mjs';
import { checkClientCredentials, CLIENT_CREDENTIALS_BODY, clientCredentialsTarget, refreshTarget } from '../lib/targets.mjs';

const SEED = { clients: 10_000, users: 100_000, refreshTokens: 1_000_000 };
const SLICES = 3;
const SLICE_SECONDS = 1;
const WARMUP_SECONDS = 0.5;
const CONNECTIONS = 50;
const CHAINS = 16;

const METRICS = {
  emptyTokenPerSec: { label: 'client_credentials, empty database', unit: 'req/s' },
  seededTokenPerSec: { label: 'client_credentials, seeded database', unit: 'req/s' },
  emptyTokenP50Ms: { label: 'client_credentials p50, empty', unit: 'ms' },
  seededTokenP50Ms: { label: 'client_credentials p50, seeded', unit: 'ms' },
  tokenP50Ratio: { label: 'client_credentials p50: seeded / empty', unit: '×' },
  tokenP99Ratio: { label: 'client_credentials p99: seeded / empty', unit: '×' },
  emptyRefreshPerSec: { label: 'refresh, empty database', unit: 'req/s' },
  seededRefreshPerSec: { label: 'refresh, seeded database', unit: 'req/s' },
  emptyRefreshP50Ms: { label: 'refresh p50, empty', unit: 'ms' },
  seededRefreshP50Ms: { label: 'refresh p50, seeded', unit: 'ms' },
  refreshP50Ratio: { label: 'refresh p50: seeded / empty', unit: '×' },
  refreshP99Ratio: { label: 'refresh p99: seeded / empty', unit: '×' },
  failedRequests: { label: 'failed requests (all loads)', unit: 'count' },
};

export default {
  id: 8,
  name: 'growth',
  title: 'Growth: client_credentials and refresh on MariaDB, seeded (1M refresh tokens, 100k users, 10k clients) vs empty',
  description:
    `Two MariaDB databases, each with its own built token service and login UI (rate limits off): one empty, one seeded with ` +
    `${SEED.refreshTokens.toLocaleString('en-US')} refresh tokens in ${(SEED.refreshTokens / 10).toLocaleString('en-US')} grants (nine used and one live each), ` +
    `${SEED.users.toLocaleString('en-US')} users and ${SEED.clients.toLocaleString('en-US')} clients before the timed part. Each run: scenario 4's load ` +
    `(autocannon, ${CONNECTIONS} connections) and scenario 5's (${CHAINS} refresh families, closed loop), ${SLICES} slices of ${SLICE_SECONDS} s each after ` +
    `a ${WARMUP_SECONDS} s warm-up, the two databases taking turns slice by slice (p50/p99: the median slice's). The ratios are seeded over empty latency (target ≤ 1.2).`,
  metrics: METRICS,
  targets: [
    { metric: 'tokenP50Ratio', max: 1.2, label: 'client_credentials p50 seeded ≤ 1.2 × empty' },
    { metric: 'refreshP50Ratio', max: 1.2, label: 'refresh p50 seeded ≤ 1.2 × empty' },
    { metric: 'failedRequests', max: 0, label: 'no failed request' },
  ],

  async setup() {
    const started = [];
    try {
      let emptyUrl;
      let seededUrl;
      try {
        emptyUrl = await freshDatabase('s8_empty');
        seededUrl = await freshDatabase('s8_seeded');
      } catch (err) {
        const notRun = `not run: ${err.message.split('\n')[0]}`;
        console.log(`  ${notRun}`);
        return { started, notRun };
      }
      started.push({ stop: () => dropDatabase(emptyUrl) }, { stop: () => dropDatabase(seededUrl) });
      const empty = await startProvider({ databaseUrl: emptyUrl });
      started.push(empty);
      const seeded = await startProvider({ databaseUrl: seededUrl });
      started.push(seeded);
      // After both apps' migrations made the tables, before anything is timed.
      const seedStarted = performance.now();
      const seedSeconds = await seedGrowth(seededUrl, SEED, { onProgress: (m) => console.log(`  seeding ${m}`) });
      console.log(`  seeded in ${((performance.now() - seedStarted) / 1000).toFixed(0)} s`);
      const targets = {};
      for (const [name, provider] of [['empty', empty], ['seeded', seeded]]) {
        const token = await clientCredentialsTarget(provider.tokenService);
        await checkClientCredentials(token);
        targets[name] = { token, refresh: await refreshTarget(provider, CHAINS) };
      }
      return { started, targets, seedSeconds, runs: 0 };
    } catch (err) {
      await stopAllOf(started);
      throw err;
    }
  },

  async run(s) {
    if (s.notRun) {
      return { metrics: Object.fromEntries(Object.keys(METRICS).map((k) => [k, null])), notes: [s.notRun] };
    }
    const rotate = s.runs++;
    const tokenLoads = await loadSlices(
      Object.fromEntries(Object.entries(s.targets).map(([name, t]) => [name, { url: t.token.url, method: 'POST', headers: t.token.headers, body: CLIENT_CREDENTIALS_BODY }])),
      { slices: SLICES, sliceSeconds: SLICE_SECONDS, warmupSeconds: WARMUP_SECONDS, connections: CONNECTIONS, rotate },
    );
    const refreshLoads = await chainedSlices(
      Object.fromEntries(Object.entries(s.targets).map(([name, t]) => [name, t.refresh])),
      { slices: SLICES, sliceSeconds: SLICE_SECONDS, warmupSeconds: WARMUP_SECONDS, rotate },
    );
    const r = Object.fromEntries(['empty', 'seeded'].map((name) => [name, { token: tokenLoads[name], refresh: refreshLoads[name] }]));
    const { empty, seeded } = r;
    return {
      metrics: {
        emptyTokenPerSec: empty.token.requestsPerSecond,
        seededTokenPerSec: seeded.token.requestsPerSecond,
        emptyTokenP50Ms: empty.token.latencyP50Ms,
        seededTokenP50Ms: seeded.token.latencyP50Ms,
        tokenP50Ratio: seeded.token.latencyP50Ms / empty.token.latencyP50Ms,
        tokenP99Ratio: seeded.token.latencyP99Ms / empty.token.latencyP99Ms,
        emptyRefreshPerSec: empty.refresh.requestsPerSecond,
        seededRefreshPerSec: seeded.refresh.requestsPerSecond,
        emptyRefreshP50Ms: empty.refresh.latencyP50Ms,
        seededRefreshP50Ms: seeded.refresh.latencyP50Ms,
        refreshP50Ratio: seeded.refresh.latencyP50Ms / empty.refresh.latencyP50Ms,
        refreshP99Ratio: seeded.refresh.latencyP99Ms / empty.refresh.latencyP99Ms,
        failedRequests: empty.token.failedRequests + seeded.token.failedRequests + empty.refresh.failedRequests + seeded.refresh.failedRequests,
      },
      details: { seedSeconds: s.seedSeconds, loads: r },
    };
  },

  async teardown(s) {
    await stopAllOf(s.started);
  },
};

/** Last started, first stopped: the apps before the databases they use are dropped. */
async function stopAllOf(started) {
  for (const s of [...started].reverse()) await s.stop().catch(() => undefined);
}
