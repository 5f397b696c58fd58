import { GroupCommit } from './group-commit';

/** A write the test finishes by hand, to see who is answered when. */
interface PendingWrite {
  items: number[];
  finish(): void;
  fail(err: Error): void;
}

function recorder() {
  const writes: PendingWrite[] = [];
  const write = (items: number[]) => new Promise<void>((resolve, reject) => writes.push({ items, finish: resolve, fail: reject }));
  return { writes, write };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('writes what was asked for in one turn as one batch, and answers each caller only once it is written', async () => {
    const { writes, write } = recorder();
    const group = new GroupCommit({ write, maxBatch: 10, maxInFlight: 1 });
    const settled: number[] = [];
    const calls = [1, 2, 3].map((n) => group.add(n).then(() => settled.push(n)));
    await nextTurn();
    expect(writes.map((w) => w.items)).toEqual([[1, 2, 3]]);
    await nextTurn();
    expect(settled).toEqual([]);
    writes[0].finish();
    await Promise.all(calls);
    expect(settled).toEqual([1, 2, 3]);
  });

  it.each([
    { name: 'splits what waits into batches of at most maxBatch', items: 7, maxBatch: 3, maxInFlight: 5, first: [[1, 2, 3], [4, 5, 6], [7]] },
    { name: 'starts at most maxInFlight writes at once', items: 7, maxBatch: 3, maxInFlight: 2, first: [[1, 2, 3], [4, 5, 6]] },
  ])('$name', async ({ items, maxBatch, maxInFlight, first }) => {
    const { writes, write } = recorder();
    const group = new GroupCommit({ write, maxBatch, maxInFlight });
    const calls = Array.from({ length: items }, (_, i) => group.add(i + 1));
    await nextTurn();
    expect(writes.map((w) => w.items)).toEqual(first);
    for (let done = 0; done < writes.length; done++) {
      writes[done].finish();
      await nextTurn();
      await nextTurn();
    }
    await Promise.all(calls);
    expect(writes.flatMap((w) => w.items)).toEqual(Array.from({ length: items }, (_, i) => i + 1));
  });

  it('gathers what arrives while a write is in progress into the next batch', async () => {
    const { writes, write } = recorder();
    const group = new GroupCommit({ write, maxBatch: 10, maxInFlight: 1 });
    const first = group.add(1);
    await nextTurn();
    const later = [2, 3, 4].map((n) => group.add(n));
    await nextTurn();
    expect(writes.map((w) => w.items)).toEqual([[1]]);
    writes[0].finish();
    await first;
    await nextTurn();
    await nextTurn();
    expect(writes.map((w) => w.items)).toEqual([[1], [2, 3, 4]]);
    writes[1].finish();
    await Promise.all(later);
  });

  it('rejects every caller of a failed write with its error, and goes on with the next batch', async () => {
    const { writes, write } = recorder();
    const group = new GroupCommit({ write, maxBatch: 2, maxInFlight: 1 });
    const outcomes = [1, 2, 3].map((n) => group.add(n).then(() => 'written', (err: Error) => err.message));
    await nextTurn();
    writes[0].fail(new Error('database gone'));
    await nextTurn();
    await nextTurn();
    writes[1].finish();
    expect(await Promise.all(outcomes)).toEqual(['database gone', 'database gone', 'written']);
  });

  it('rejects the batch of a write that throws instead of returning a promise', async () => {
    let calls = 0;
    const group = new GroupCommit<number>({
      write: () => {
        calls++;
        if (calls === 1) throw new Error('prepare failed');
        return Promise.resolve();
      },
      maxBatch: 10,
      maxInFlight: 1,
    });
    await expect(group.add(1)).rejects.toThrow('prepare failed');
    await expect(group.add(2)).resolves.toBeUndefined();
  });
});
