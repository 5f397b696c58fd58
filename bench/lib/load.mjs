import autocannon from 'autocannon';

/**
 * Loads `url` with autocannon for a bounded time from this process (the server under test runs in
 * another one) and answers req/s and latency. A short warm-up run first is discarded, so the server's
 * JIT and connection setup are not in the measurement. `requests` is autocannon's own option (a
 * request per connection built by `setupRequest`, its answer read by `onResponse`), for loads where
 * each request depends on the previous answer, like a rotated refresh token.
 */
export async function load(url, { durationSeconds, connections = 50, pipelining = 1, warmupSeconds = 1, method = 'GET', headers, body, requests, requireAnswer = true } = {}) {
  const options = { url, connections, pipelining, method, headers, body, ...(requests ? { requests } : {}) };
  if (warmupSeconds > 0) await autocannon({ ...options, duration: warmupSeconds });
  const result = await autocannon({ ...options, duration: durationSeconds });
  const failed = result.errors + result.timeouts + result.non2xx;
  const answered = result['2xx'] > 0;
  if (!answered && requireAnswer) throw new Error(`no successful response from ${url} (${result.errors} errors, ${result.non2xx} non-2xx)`);
  return {
    requestsPerSecond: result.requests.average,
    // No answer in the whole time has no latency to report (autocannon would say 0).
    latencyP50Ms: answered ? result.latency.p50 : null,
    latencyP99Ms: answered ? result.latency.p99 : null,
    failedRequests: failed,
    totalRequests: result['2xx'] + result.non2xx,
    connections,
    durationSeconds,
  };
}

/**
 * Loads several servers against each other in alternating slices (A B C, then B C A, …) rather than
 * one after the other: on a shared, noisy machine a burst of other work then weighs on every side
 * about equally, and a ratio of two of them means something. Each target is
 * `{ url, method?, headers?, body? }`; each gets `slices` slices of `sliceSeconds` after one warm-up.
 * Answers per target: req/s over all its slices (answered requests / seconds), p50 and p99 the median of
 * its slices' (autocannon gives percentiles, not histograms to merge), failed requests summed.
 */
export async function loadSlices(targets, { slices = 3, sliceSeconds = 1, warmupSeconds = 0.5, connections = 50, rotate = 0 } = {}) {
  const names = Object.keys(targets);
  const runs = Object.fromEntries(names.map((n) => [n, []]));
  for (const name of names) {
    const t = targets[name];
    if (warmupSeconds > 0) await autocannon({ url: t.url, method: t.method ?? 'GET', headers: t.headers, body: t.body, connections, duration: warmupSeconds });
  }
  for (let i = 0; i < slices; i++) {
    const shift = (i + rotate) % names.length;
    for (const name of [...names.slice(shift), ...names.slice(0, shift)]) {
      const t = targets[name];
      // A slice in which a stalled server answered nothing is a measurement (0 requests), not an error.
      runs[name].push(await load(t.url, { durationSeconds: sliceSeconds, warmupSeconds: 0, connections, method: t.method ?? 'GET', headers: t.headers, body: t.body, requireAnswer: false }));
    }
  }
  const median = (values) => {
    const sorted = values.filter((v) => v !== null).sort((a, b) => a - b);
    if (sorted.length === 0) return null;
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };
  return Object.fromEntries(names.map((name) => {
    const r = runs[name];
    const seconds = r.reduce((sum, x) => sum + x.durationSeconds, 0);
    if (r.every((x) => x.latencyP50Ms === null)) throw new Error(`no successful response from ${targets[name].url} in ${r.length} slices`);
    return [name, {
      requestsPerSecond: r.reduce((sum, x) => sum + x.totalRequests, 0) / seconds,
      latencyP50Ms: median(r.map((x) => x.latencyP50Ms)),
      latencyP99Ms: median(r.map((x) => x.latencyP99Ms)),
      failedRequests: r.reduce((sum, x) => sum + x.failedRequests, 0),
      slices: r.length,
      silentSlices: r.filter((x) => x.latencyP50Ms === null).length,
      sliceSeconds,
      connections,
    }];
  }));
}
