// Scenario 3 (issue 5): the two documents every relying party fetches, JWKS and discovery, from
// Tessera's built token service (SQLite, as `npm start` runs it) and from node-oidc-provider 9, and
// the same JWKS bytes from a bare node:http server (scenario 2's ceiling, measured again here so that
// the fraction compares numbers of one run). Each loaded by autocannon from the runner's process, in
// alternating one-second slices, so that a burst of other work on a shared machine weighs on all.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSlices } from '../lib/load.mjs';
import { startPeer } from '../lib/peer.mjs';
import { freePorts } from '../lib/ports.mjs';
import { startNode, waitForHttp } from '../lib/processes.mjs';
import { startTokenService } from '../lib/token-service.mjs';

const SLICES = 3;
const SLICE_SECONDS = 1;
const WARMUP_SECONDS = 0.5;
const CONNECTIONS = 50;
const CEILING_SERVER = new URL('../support/jwks-server.mjs', import.meta.url).pathname;

export default {
  id: 3,
  name: 'jwks-discovery',
  title: 'JWKS and discovery: Tessera vs oidc-provider, and vs the bare HTTP ceiling',
  description:
    `autocannon from the runner's process, ${CONNECTIONS} connections, ${SLICES} slices of ${SLICE_SECONDS} s per endpoint after a ${WARMUP_SECONDS} s warm-up, ` +
    'the five endpoints taking turns slice by slice (p50/p99: the median slice\'s), ' +
    'GET /.well-known/jwks.json and /.well-known/openid-configuration of the built token service (SQLite, rate limits off) and the ' +
    "jwks_uri and discovery of oidc-provider 9 (bench/support/peer-provider.mjs: one RSA-2048 key); the ceiling is a bare node:http server " +
    "returning Tessera's own JWKS bytes, measured in the same run. Every response must be a 200.",
  metrics: {
    tesseraJwksPerSec: { label: 'Tessera JWKS', unit: 'req/s' },
    tesseraJwksP99Ms: { label: 'Tessera JWKS p99', unit: 'ms' },
    peerJwksPerSec: { label: 'oidc-provider JWKS', unit: 'req/s' },
    peerJwksP99Ms: { label: 'oidc-provider JWKS p99', unit: 'ms' },
    jwksRatio: { label: 'JWKS: Tessera / oidc-provider', unit: '×' },
    tesseraDiscoveryPerSec: { label: 'Tessera discovery', unit: 'req/s' },
    tesseraDiscoveryP99Ms: { label: 'Tessera discovery p99', unit: 'ms' },
    peerDiscoveryPerSec: { label: 'oidc-provider discovery', unit: 'req/s' },
    peerDiscoveryP99Ms: { label: 'oidc-provider discovery p99', unit: 'ms' },
    discoveryRatio: { label: 'discovery: Tessera / oidc-provider', unit: '×' },
    ceilingPerSec: { label: 'bare node:http, same JWKS bytes (ceiling)', unit: 'req/s' },
    jwksOfCeiling: { label: 'Tessera JWKS / ceiling', unit: '×' },
    discoveryOfCeiling: { label: 'Tessera discovery / ceiling', unit: '×' },
    failedRequests: { label: 'failed requests (all loads)', unit: 'count' },
  },
  targets: [
    { metric: 'jwksRatio', min: 1.5, label: 'JWKS: Tessera ≥ 1.5 × oidc-provider' },
    { metric: 'discoveryRatio', min: 1.5, label: 'discovery: Tessera ≥ 1.5 × oidc-provider' },
    { metric: 'failedRequests', max: 0, label: 'no failed request' },
  ],

  async setup() {
    const started = [];
    try {
      const tessera = await startTokenService();
      started.push(tessera);
      const peer = await startPeer();
      started.push(peer);
      const discovery = await (await fetch(`${tessera.issuer}/.well-known/openid-configuration`)).json();
      const jwksBytes = Buffer.from(await (await fetch(discovery.jwks_uri)).arrayBuffer());
      const dir = await mkdtemp(join(tmpdir(), 'tessera-bench-jwks-'));
      await writeFile(join(dir, 'jwks.json'), jwksBytes);
      const [port] = await freePorts(1);
      const ceiling = startNode('JWKS server', CEILING_SERVER, { env: { PORT: String(port), BODY_FILE: join(dir, 'jwks.json') } });
      started.push({ stop: async () => { await ceiling.stop(); await rm(dir, { recursive: true, force: true }); } });
      const ceilingUrl = `http://127.0.0.1:${port}/.well-known/jwks.json`;
      await waitForHttp(ceiling, ceilingUrl, { timeoutMs: 10_000 });
      return {
        started,
        targets: {
          tesseraJwks: discovery.jwks_uri,
          tesseraDiscovery: `${tessera.issuer}/.well-known/openid-configuration`,
          peerJwks: peer.discovery.jwks_uri,
          peerDiscovery: `${peer.issuer}/.well-known/openid-configuration`,
          ceiling: ceilingUrl,
        },
        jwksBytes: jwksBytes.length,
        runs: 0,
      };
    } catch (err) {
      await Promise.allSettled(started.map((s) => s.stop()));
      throw err;
    }
  },

  async run(s) {
    const targets = Object.fromEntries(Object.entries(s.targets).map(([name, url]) => [name, { url }]));
    const r = await loadSlices(targets, { slices: SLICES, sliceSeconds: SLICE_SECONDS, warmupSeconds: WARMUP_SECONDS, connections: CONNECTIONS, rotate: s.runs++ });
    return {
      metrics: {
        tesseraJwksPerSec: r.tesseraJwks.requestsPerSecond,
        tesseraJwksP99Ms: r.tesseraJwks.latencyP99Ms,
        peerJwksPerSec: r.peerJwks.requestsPerSecond,
        peerJwksP99Ms: r.peerJwks.latencyP99Ms,
        jwksRatio: r.tesseraJwks.requestsPerSecond / r.peerJwks.requestsPerSecond,
        tesseraDiscoveryPerSec: r.tesseraDiscovery.requestsPerSecond,
        tesseraDiscoveryP99Ms: r.tesseraDiscovery.latencyP99Ms,
        peerDiscoveryPerSec: r.peerDiscovery.requestsPerSecond,
        peerDiscoveryP99Ms: r.peerDiscovery.latencyP99Ms,
        discoveryRatio: r.tesseraDiscovery.requestsPerSecond / r.peerDiscovery.requestsPerSecond,
        ceilingPerSec: r.ceiling.requestsPerSecond,
        jwksOfCeiling: r.tesseraJwks.requestsPerSecond / r.ceiling.requestsPerSecond,
        discoveryOfCeiling: r.tesseraDiscovery.requestsPerSecond / r.ceiling.requestsPerSecond,
        failedRequests: Object.values(r).reduce((sum, x) => sum + x.failedRequests, 0),
      },
      details: { jwksBytes: s.jwksBytes, loads: r },
    };
  },

  async teardown(s) {
    await Promise.allSettled(s.started.map((x) => x.stop()));
  },
};
