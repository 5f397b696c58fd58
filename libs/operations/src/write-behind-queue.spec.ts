import { WriteBehindLoss, WriteBehindQueue } from './write-behind-queue';

describe('WriteBehindQueue', () => {
  const batches: number[][] = [];
  const losses: [WriteBehindLoss, number][] = [];
  let failures = 0;
  const queue = (options: { limit?: number; onLoss?: () => void } = {}) => new WriteBehindQueue<number>({
    write: async (items) => {
      if (failures > 0) {
        failures -= 1;
        throw new Error('database away');
      }
      batches.push(items);
    },
    batchSize: 100,
    delayMs: 200,
    limit: options.limit ?? 1000,
    retryDelayMs: 1,
    onLoss: options.onLoss ?? ((reason, count) => losses.push([reason, count])),
  });

  beforeEach(() => {
    batches.length = 0;
    losses.length = 0;
    failures = 0;
  });

  it('writes in batches of batchSize, in order, one write at a time', async () => {
    const q = queue();
    for (let i = 0; i < 250; i++) q.push(i);
    await q.flush();
    expect(batches.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(batches.flat()).toEqual(Array.from({ length: 250 }, (_, i) => i));
  });

  it('starts a write once delayMs have passed after the first item, without a flush', async () => {
    jest.useFakeTimers();
    try {
      const q = queue();
      q.push(1);
      q.push(2);
      await jest.advanceTimersByTimeAsync(199);
      expect(batches).toEqual([]);
      await jest.advanceTimersByTimeAsync(1);
      expect(batches).toEqual([[1, 2]]);
      expect(q.size).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('retries a failed write once', async () => {
    const q = queue();
    failures = 1;
    q.push(7);
    await q.flush();
    expect(batches).toEqual([[7]]);
    expect(q.losses()).toEqual([{ reason: 'buffer_full', count: 0 }, { reason: 'write_failed', count: 0 }]);
  });

  it('counts a batch that failed twice as lost, and goes on with the next', async () => {
    const q = queue();
    failures = 2;
    for (let i = 0; i < 150; i++) q.push(i);
    await q.flush();
    expect(batches).toEqual([Array.from({ length: 50 }, (_, i) => 100 + i)]);
    expect(losses).toEqual([['write_failed', 100]]);
    expect(q.losses()).toContainEqual({ reason: 'write_failed', count: 100 });
  });

  it('drops and counts what comes beyond its limit, telling it once per episode', async () => {
    const q = queue({ limit: 5 });
    for (let i = 0; i < 8; i++) q.push(i);
    await q.flush();
    for (let i = 0; i < 7; i++) q.push(i);
    await q.flush();
    expect(batches).toEqual([[0, 1, 2, 3, 4], [0, 1, 2, 3, 4]]);
    expect(q.losses()).toContainEqual({ reason: 'buffer_full', count: 5 });
    // One line for the first episode, one for the second (a write succeeded in between).
    expect(losses).toEqual([['buffer_full', 1], ['buffer_full', 1]]);
  });

  it('never throws from push, and keeps writing, when a loss callback throws', async () => {
    const q = queue({ limit: 1, onLoss: () => { throw new Error('logger broke'); } });
    failures = 2;
    q.push(1);
    expect(() => q.push(2)).not.toThrow();
    await q.flush();
    q.push(3);
    await q.flush();
    expect(batches).toEqual([[3]]);
  });
});
