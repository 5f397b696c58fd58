import { ConcurrencyGate, GateFull } from './concurrency-gate';

/** A task that runs until the test lets it finish. */
function heldTask() {
  let finish!: (value: string) => void;
  const done = new Promise<string>((resolve) => { finish = resolve; });
  const started = jest.fn();
  return { task: () => { started(); return done; }, finish, started };
}

describe('ConcurrencyGate', () => {
  it('runs up to maxConcurrent tasks at once and queues the next ones in order', async () => {
    const gate = new ConcurrencyGate({ maxConcurrent: 2, maxQueue: 2 });
    const tasks = [heldTask(), heldTask(), heldTask(), heldTask()];
    const results = tasks.map((t) => gate.run(t.task));
    await Promise.resolve();
    expect(tasks.map((t) => t.started.mock.calls.length)).toEqual([1, 1, 0, 0]);
    expect(gate.load).toEqual({ running: 2, waiting: 2 });

    tasks[1].finish('b');
    await expect(results[1]).resolves.toBe('b');
    expect(tasks.map((t) => t.started.mock.calls.length)).toEqual([1, 1, 1, 0]);
    tasks[0].finish('a');
    tasks[2].finish('c');
    await Promise.all([results[0], results[2]]);
    expect(tasks[3].started).toHaveBeenCalled();
    tasks[3].finish('d');
    await expect(Promise.all(results)).resolves.toEqual(['a', 'b', 'c', 'd']);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('refuses at once, with Retry-After advice, when the queue is full too', async () => {
    const gate = new ConcurrencyGate({ maxConcurrent: 1, maxQueue: 1, retryAfterSeconds: 7 });
    const first = heldTask();
    const second = heldTask();
    const running = gate.run(first.task);
    const queued = gate.run(second.task);
    const third = jest.fn(() => Promise.resolve('never'));
    await expect(gate.run(third)).rejects.toEqual(new GateFull(7));
    await expect(gate.run(third)).rejects.toMatchObject({ retryAfterSeconds: 7 });
    expect(third).not.toHaveBeenCalled();
    first.finish('1');
    second.finish('2');
    await expect(Promise.all([running, queued])).resolves.toEqual(['1', '2']);
  });

  it('gives the slot back when a task fails', async () => {
    const gate = new ConcurrencyGate({ maxConcurrent: 1, maxQueue: 0 });
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run(() => Promise.resolve('ok'))).resolves.toBe('ok');
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it.each([
    [{ maxConcurrent: 0, maxQueue: 1 }],
    [{ maxConcurrent: 1, maxQueue: -1 }],
    [{ maxConcurrent: 1.5, maxQueue: 1 }],
  ])('refuses the nonsensical options %p', (options) => {
    expect(() => new ConcurrencyGate(options)).toThrow(RangeError);
  });
});
