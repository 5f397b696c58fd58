/**
 * What the relying-party suites watch a libs/rp verifier through: a fetch that counts every request
 * the verifier makes (and how many failed), the events it emits, and a way to wait for one of them
 * on the real clock without asserting how long it took.
 */
import type { RpEvent } from '@tessera/rp';

export interface CountingFetch {
  fetch: typeof globalThis.fetch;
  /** Requests made so far, successful or not. */
  requests(): number;
  /** Requests that never got a response (connection refused, reset, timeout). */
  failures(): number;
}

export function countingFetch(): CountingFetch {
  let requests = 0;
  let failures = 0;
  return {
    fetch: async (input, init) => {
      requests++;
      try {
        return await fetch(input, init);
      } catch (err) {
        failures++;
        throw err;
      }
    },
    requests: () => requests,
    failures: () => failures,
  };
}

export interface EventLog {
  onEvent(event: RpEvent): void;
  events: RpEvent[];
  /** The events of `type` since position `from` (e.g. since the issuer came back). */
  since(from: number, type?: RpEvent['type']): RpEvent[];
}

export function eventLog(): EventLog {
  const events: RpEvent[] = [];
  return {
    onEvent: (event) => events.push(event),
    events,
    since: (from, type) => events.slice(from).filter((e) => type === undefined || e.type === type),
  };
}

/**
 * Polls `condition` until it holds, running `meanwhile` between polls (e.g. keep verifying); fails
 * with `what` after `timeoutMs`. The deadline is a safety net, not an assertion about speed.
 */
export async function waitUntil(
  what: string,
  condition: () => boolean,
  { timeoutMs = 20_000, meanwhile }: { timeoutMs?: number; meanwhile?: () => Promise<void> } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs / 1000} s`);
    if (meanwhile) await meanwhile();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
