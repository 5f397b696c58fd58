// Scenario 4 (issue 5): the token endpoint's cheapest signed answer, client_credentials → an RS256
// JWT access token, from Tessera's built token service on SQLite and on MariaDB, and from
// node-oidc-provider 9 with its in-memory storage (bench/support/peer-provider.mjs: JWT access tokens
// through its resource-indicators feature, RS256, RSA-2048, no scope: Tessera's client_credentials
// grants none yet). client_secret_basic on both. The ceiling for anything that signs is measured in
// the same run (node:crypto RS256 signs/s on one thread, as scenario 1).
import { loadSlices } from '../lib/load.mjs';
import { dropDatabase, freshDatabase } from '../lib/mariadb.mjs';
import { startPeer } from '../lib/peer.mjs';
import { rawSignRate } from '../lib/raw-sign.mjs';
import { checkClientCredentials, CLIENT_CREDENTIALS_BODY, clientCredentialsTarget, tokenHeaders } from '../lib/targets.mjs';
import { startTokenService } from '../lib/token-service.mjs';

const SLICES = 3;
const SLICE_SECONDS = 1;
const WARMUP_SECONDS = 0.5;
const CONNECTIONS = 50;

export default {
  id: 4,
  name: 'token-client-credentials',
  title: 'Token endpoint, client_credentials → RS256 JWT: Tessera (SQLite, MariaDB) vs oidc-provider',
  description:
    `autocannon from the runner's process, ${CONNECTIONS} connections, ${SLICES} slices of ${SLICE_SECONDS} s per server after a ${WARMUP_SECONDS} s warm-up, ` +
    'the servers taking turns slice by slice (p50/p99: the median slice\'s), ' +
    'POST grant_type=client_credentials with client_secret_basic and no scope; every answer must be a 200 with a signed JWT. ' +
    'Tessera: the built token service, rate limits off, on a fresh SQLite file and on a fresh MariaDB database. oidc-provider 9: in-memory, ' +
    'JWT access tokens for a default resource (resourceIndicators), RS256 RSA-2048. Raw sign: node:crypto RS256 on one thread, 1 s, same run. ' +
    'Resident memory is each process\'s VmRSS after the run.',
  metrics: {
    tesseraSqlitePerSec: { label: 'Tessera (SQLite)', unit: 'req/s' },
    tesseraSqliteP50Ms: { label: 'Tessera (SQLite) p50', unit: 'ms' },
    tesseraSqliteP99Ms: { label: 'Tessera (SQLite) p99', unit: 'ms' },
    tesseraMariadbPerSec: { label: 'Tessera (MariaDB)', unit: 'req/s' },
    tesseraMariadbP50Ms: { label: 'Tessera (MariaDB) p50', unit: 'ms' },
    tesseraMariadbP99Ms: { label: 'Tessera (MariaDB) p99', unit: 'ms' },
    peerPerSec: { label: 'oidc-provider (memory)', unit: 'req/s' },
    peerP50Ms: { label: 'oidc-provider p50', unit: 'ms' },
    peerP99Ms: { label: 'oidc-provider p99', unit: 'ms' },
    sqliteToPeer: { label: 'Tessera (SQLite) / oidc-provider', unit: '×' },
    mariadbToPeer: { label: 'Tessera (MariaDB) / oidc-provider', unit: '×' },
    rawSignPerSec: { label: 'raw RS256 sign, node:crypto, one thread', unit: 'ops/s' },
    sqliteToRawSign: { label: 'Tessera (SQLite) / raw sign', unit: '×' },
    peerToRawSign: { label: 'oidc-provider / raw sign', unit: '×' },
    tesseraRssMiB: { label: 'Tessera (SQLite) resident memory after load', unit: 'MiB' },
    peerRssMiB: { label: 'oidc-provider resident memory after load', unit: 'MiB' },
    failedRequests: { label: 'failed requests (all loads)', unit: 'count' },
  },
  targets: [
    { metric: 'sqliteToPeer', min: 1.3, label: 'Tessera (SQLite) ≥ 1.3 × oidc-provider' },
    { metric: 'mariadbToPeer', min: 1.3, label: 'Tessera (MariaDB) ≥ 1.3 × oidc-provider' },
    { metric: 'failedRequests', max: 0, label: 'no failed request' },
  ],

  async setup() {
    const started = [];
    try {
      const sqlite = await startTokenService();
      started.push(sqlite);
      const targets = { sqlite: await clientCredentialsTarget(sqlite) };
      let mariadbNotRun;
      try {
        const databaseUrl = await freshDatabase('s4');
        const mariadb = await startTokenService({ databaseUrl });
        started.push({ stop: async () => { await mariadb.stop(); await dropDatabase(databaseUrl); } });
        targets.mariadb = await clientCredentialsTarget(mariadb);
      } catch (err) {
        mariadbNotRun = `not run: ${err.message.split('\n')[0]}`;
        console.log(`  MariaDB part ${mariadbNotRun}`);
      }
      const peer = await startPeer();
      started.push(peer);
      targets.peer = { url: peer.discovery.token_endpoint, headers: tokenHeaders(peer.client), process: peer.process };
      for (const target of Object.values(targets)) await checkClientCredentials(target);
      return { started, targets, mariadbNotRun, runs: 0 };
    } catch (err) {
      await Promise.allSettled(started.map((s) => s.stop()));
      throw err;
    }
  },

  async run(s) {
    const targets = Object.fromEntries(Object.entries(s.targets).map(([name, t]) => [name, { url: t.url, method: 'POST', headers: t.headers, body: CLIENT_CREDENTIALS_BODY }]));
    const r = await loadSlices(targets, { slices: SLICES, sliceSeconds: SLICE_SECONDS, warmupSeconds: WARMUP_SECONDS, connections: CONNECTIONS, rotate: s.runs++ });
    for (const [name, t] of Object.entries(s.targets)) r[name].rssMiB = t.process.rssMiB();
    const rawSignPerSec = rawSignRate();
    const m = r.mariadb;
    return {
      metrics: {
        tesseraSqlitePerSec: r.sqlite.requestsPerSecond,
        tesseraSqliteP50Ms: r.sqlite.latencyP50Ms,
        tesseraSqliteP99Ms: r.sqlite.latencyP99Ms,
        tesseraMariadbPerSec: m ? m.requestsPerSecond : null,
        tesseraMariadbP50Ms: m ? m.latencyP50Ms : null,
        tesseraMariadbP99Ms: m ? m.latencyP99Ms : null,
        peerPerSec: r.peer.requestsPerSecond,
        peerP50Ms: r.peer.latencyP50Ms,
        peerP99Ms: r.peer.latencyP99Ms,
        sqliteToPeer: r.sqlite.requestsPerSecond / r.peer.requestsPerSecond,
        mariadbToPeer: m ? m.requestsPerSecond / r.peer.requestsPerSecond : null,
        rawSignPerSec,
        sqliteToRawSign: r.sqlite.requestsPerSecond / rawSignPerSec,
        peerToRawSign: r.peer.requestsPerSecond / rawSignPerSec,
        tesseraRssMiB: r.sqlite.rssMiB,
        peerRssMiB: r.peer.rssMiB,
        failedRequests: Object.values(r).reduce((sum, x) => sum + x.failedRequests, 0),
      },
      notes: s.mariadbNotRun ? [`MariaDB ${s.mariadbNotRun}`] : [],
      details: { loads: r },
    };
  },

  async teardown(s) {
    await Promise.allSettled(s.started.map((x) => x.stop()));
  },
};
