// Load where every request depends on the answer to the previous one: a rotated refresh token can
// be used once, and the next request needs the token the last answer carried. autocannon cannot
// chain that (it resets a connection's context after each request), so this is a small closed-loop
// generator instead: `chains` workers, each sending its next request when its last answer is in,
// over keep-alive node:http connections (one per worker), for a bounded time. Latency is measured
// per request, from write to the end of the body.
import { Agent, request } from 'node:http';

/**
 * Runs `step(chain, post)` in a loop on every chain for `durationSeconds` (after `warmupSeconds`
 * that are not counted). `step` answers true for a good answer. A chain whose step fails is marked
 * `dead` (its token's state is unknown) and not used again. Time is checked between requests, so
 * every request started is finished and counted: no chain is left with a token in an unknown state.
 */
export async function chainedLoad(chains, step, { durationSeconds, warmupSeconds = 1 }) {
  const agent = new Agent({ keepAlive: true, maxSockets: chains.length });
  try {
    if (warmupSeconds > 0) await closedLoop(chains, step, agent, warmupSeconds);
    return await closedLoop(chains, step, agent, durationSeconds);
  } finally {
    agent.destroy();
  }
}

async function closedLoop(chains, step, agent, seconds) {
  const post = (url, headers, body) => httpPost(agent, url, headers, body);
  const latencies = [];
  let failed = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(chains.filter((c) => !c.dead).map(async (chain) => {
    while (performance.now() < end && !chain.dead) {
      const t0 = performance.now();
      const ok = await step(chain, post).catch(() => false);
      latencies.push(performance.now() - t0);
      if (!ok) {
        failed++;
        chain.dead = true;
      }
    }
  }));
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q) => (latencies.length === 0 ? null : latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]);
  return {
    requestsPerSecond: (latencies.length - failed) / elapsed,
    latencyP50Ms: at(0.5),
    latencyP99Ms: at(0.99),
    failedRequests: failed,
    totalRequests: latencies.length,
    liveChains: chains.filter((c) => !c.dead).length,
  };
}

/** A POST over the keep-alive agent; answers { status, body } with the body as a string. */
export function httpPost(agent, url, headers, body) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      const parts = [];
      res.on('data', (chunk) => parts.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(parts).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * chainedLoad on several targets ({ chains, step } each) in alternating slices, as loadSlices does
 * for autocannon: req/s over all slices, p50 and p99 the median of the slices'.
 */
export async function chainedSlices(targets, { slices = 3, sliceSeconds = 1, warmupSeconds = 0.5, rotate = 0 } = {}) {
  const names = Object.keys(targets);
  const runs = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < slices; i++) {
    const shift = (i + rotate) % names.length;
    for (const name of [...names.slice(shift), ...names.slice(0, shift)]) {
      const { chains, step } = targets[name];
      runs[name].push(await chainedLoad(chains, step, { durationSeconds: sliceSeconds, warmupSeconds: i === 0 ? warmupSeconds : 0 }));
    }
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return Object.fromEntries(names.map((name) => {
    const r = runs[name];
    return [name, {
      requestsPerSecond: median(r.map((x) => x.requestsPerSecond)),
      latencyP50Ms: median(r.map((x) => x.latencyP50Ms)),
      latencyP99Ms: median(r.map((x) => x.latencyP99Ms)),
      failedRequests: r.reduce((sum, x) => sum + x.failedRequests, 0),
      totalRequests: r.reduce((sum, x) => sum + x.totalRequests, 0),
      liveChains: r[r.length - 1].liveChains,
      slices: r.length,
    }];
  }));
}
