/**
 * Runs `op` back to back (the next starts when the previous one is done) for `durationMs` and answers
 * how many ran and how fast. One at a time on purpose: it measures the cost of one operation on one
 * event loop, which is what one request handler pays. `inFlight` > 1 keeps that many going at once,
 * for operations that run off the event loop (WebCrypto uses libuv's thread pool).
 */
export async function timedLoop(op, durationMs, { inFlight = 1, warmupMs = Math.min(200, durationMs / 10) } = {}) {
  // A short warm-up lets the JIT settle before the clock starts.
  const warmupEnd = performance.now() + warmupMs;
  while (performance.now() < warmupEnd) await op();
  let ops = 0;
  const start = performance.now();
  const end = start + durationMs;
  const worker = async () => {
    while (performance.now() < end) {
      await op();
      ops++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = (performance.now() - start) / 1000;
  return { ops, seconds, perSecond: ops / seconds };
}

/** The same for a synchronous `op`. */
export function timedSyncLoop(op, durationMs) {
  const warmupEnd = performance.now() + Math.min(200, durationMs / 10);
  while (performance.now() < warmupEnd) op();
  let ops = 0;
  const start = performance.now();
  const end = start + durationMs;
  while (performance.now() < end) {
    op();
    ops++;
  }
  const seconds = (performance.now() - start) / 1000;
  return { ops, seconds, perSecond: ops / seconds };
}

/**
 * Times two operations against each other in alternating slices (A B B A A B …), so that whatever
 * else the machine does during the run weighs on both about equally: on a noisy machine a ratio of
 * two back-to-back measurements drifts far more than the difference being measured.
 */
export async function interleaved(opA, opB, durationMs, { slices = 20 } = {}) {
  const sliceMs = durationMs / slices;
  const a = { ops: 0, seconds: 0 };
  const b = { ops: 0, seconds: 0 };
  for (let i = 0; i < slices; i++) {
    // ABBA order: neither side always runs first after the other.
    const aFirst = i % 4 === 0 || i % 4 === 3;
    for (const [op, total] of aFirst ? [[opA, a], [opB, b]] : [[opB, b], [opA, a]]) {
      const slice = await timedLoop(op, sliceMs, { warmupMs: i < 2 ? 100 : 0 });
      total.ops += slice.ops;
      total.seconds += slice.seconds;
    }
  }
  return [a, b].map((t) => ({ ...t, perSecond: t.ops / t.seconds }));
}
