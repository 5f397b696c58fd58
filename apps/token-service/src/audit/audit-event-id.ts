import { randomBytes } from 'node:crypto';

const SEQUENCE_SPACE = 0x10000;
let sequence = 0;

/**
 * A time-ordered id for an audit event, 32 lowercase hex characters: the event's time (epoch ms,
 * 12), a per-process sequence (4, so events recorded in one millisecond keep their order) and 64
 * random bits (16, so instances never collide). Sorting by (at, id) is then a total order that
 * follows the order of recording, which keyset pagination needs.
 */
export function auditEventId(at: number): string {
  sequence = (sequence + 1) % SEQUENCE_SPACE;
  return `${hex(at, 12)}${hex(sequence, 4)}${randomBytes(8).toString('hex')}`;
}

function hex(value: number, width: number): string {
  return Math.max(0, Math.trunc(value)).toString(16).padStart(width, '0').slice(-width);
}
