import { ChallengeNotFound } from './token-service.errors';

/** A challenge from a query or form: a missing or implausible one is treated like an expired one. */
export function challengeParam(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 1024) throw new ChallengeNotFound();
  return value;
}
