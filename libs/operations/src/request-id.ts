import { randomUUID } from 'node:crypto';

// An id from outside is only a correlation hint: short, plain characters, so it can neither
// forge log structure nor carry a payload (a token pasted into the header is refused by length).
const ACCEPTED = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The request id to log and echo: the caller's `X-Request-Id` when it is one value of at most 64
 * characters from `[A-Za-z0-9._-]`, a fresh UUID otherwise.
 *
 * @example
 * ```ts
 * requestId(req.headers['x-request-id']); // 'abc-123' or a new UUID
 * ```
 */
export function requestId(header: string | string[] | undefined): string {
  return typeof header === 'string' && ACCEPTED.test(header) ? header : randomUUID();
}
