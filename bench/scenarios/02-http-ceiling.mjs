// Scenario 2 (issue 5): the most this machine serves over HTTP with the load generator on the same
// cores. A bare node:http server answers every request with the same JWKS bytes (what Tessera's
// /.well-known/jwks.json returns for one key); autocannon loads it from this, separate, process.
// Every HTTP scenario is read as a fraction of this number.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from '../lib/load.mjs';
import { freePorts } from '../lib/ports.mjs';
import { startNode, waitForHttp } from '../lib/processes.mjs';

const DURATION_SECONDS = 5;
const CONNECTIONS = 50;
const SERVER = new URL('../support/jwks-server.mjs', import.meta.url).pathname;

export default {
  id: 2,
  name: 'http-ceiling',
  title: 'HTTP ceiling: bare node:http returning the JWKS bytes',
  description: `autocannon from another process, ${CONNECTIONS} connections, ${DURATION_SECONDS} s after a 1 s warm-up.`,
  metrics: {
    requestsPerSecond: { label: 'requests', unit: 'req/s' },
    latencyP50Ms: { label: 'latency p50', unit: 'ms' },
    latencyP99Ms: { label: 'latency p99', unit: 'ms' },
    failedRequests: { label: 'failed requests', unit: 'count' },
    serverRssMiB: { label: 'server resident memory after load', unit: 'MiB' },
  },
  targets: [{ metric: 'failedRequests', max: 0, label: 'no failed request' }],

  async setup() {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const { kty, n, e } = publicKey.export({ format: 'jwk' });
    const body = JSON.stringify({ keys: [{ kty, n, e, kid: 'x'.repeat(43), alg: 'RS256', use: 'sig' }] });
    const dir = await mkdtemp(join(tmpdir(), 'tessera-bench-jwks-'));
    await writeFile(join(dir, 'jwks.json'), body);
    const [port] = await freePorts(1);
    const server = startNode('JWKS server', SERVER, { env: { PORT: String(port), BODY_FILE: join(dir, 'jwks.json') } });
    const url = `http://127.0.0.1:${port}/.well-known/jwks.json`;
    await waitForHttp(server, url, { timeoutMs: 10_000 });
    return { server, url, dir, bodyBytes: Buffer.byteLength(body) };
  },

  async run(s) {
    const result = await load(s.url, { durationSeconds: DURATION_SECONDS, connections: CONNECTIONS });
    return {
      metrics: {
        requestsPerSecond: result.requestsPerSecond,
        latencyP50Ms: result.latencyP50Ms,
        latencyP99Ms: result.latencyP99Ms,
        failedRequests: result.failedRequests,
        serverRssMiB: s.server.rssMiB(),
      },
      details: { responseBytes: s.bodyBytes },
    };
  },

  async teardown(s) {
    await s.server.stop();
    await rm(s.dir, { recursive: true, force: true });
  },
};
