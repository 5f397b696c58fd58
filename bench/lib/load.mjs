import autocannon from 'autocannon';

/**
 * Loads `url` with autocannon for a bounded time from this process (the server under test runs in
 * another one) and answers req/s and latency. A short warm-up run first is discarded, so the server's
 * JIT and connection setup are not in the measurement.
 */
export async function load(url, { durationSeconds, connections = 50, pipelining = 1, warmupSeconds = 1, method = 'GET', headers, body } = {}) {
  const options = { url, connections, pipelining, method, headers, body };
  if (warmupSeconds > 0) await autocannon({ ...options, duration: warmupSeconds });
  const result = await autocannon({ ...options, duration: durationSeconds });
  const failed = result.errors + result.timeouts + result.non2xx;
  if (result['2xx'] === 0) throw new Error(`no successful response from ${url} (${result.errors} errors, ${result.non2xx} non-2xx)`);
  return {
    requestsPerSecond: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    failedRequests: failed,
    totalRequests: result['2xx'] + result.non2xx,
    connections,
    durationSeconds,
  };
}
