import { AsyncLocalStorage } from 'node:async_hooks';

/** The request a log line is written for, so lines from deep inside a handler carry its id. */
const storage = new AsyncLocalStorage<{ requestId: string }>();

export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return storage.run({ requestId }, fn);
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
