import { bodyObject, integerIn, Problems, refuseUnknown } from '../admin-input.rule';

/** RFC 7591 leaves an initial access token's life to the server: at most 30 days, at most 1000 registrations. */
export const INITIAL_ACCESS_TOKEN_LIMITS = {
  expiresIn: { min: 60, max: 30 * 86_400, default: 86_400 },
  maxUses: { min: 1, max: 1000, default: 1 },
} as const;

/** `POST /initial-access-tokens` `{ "expires_in": seconds, "max_uses": n }`, both optional. */
export function readNewInitialAccessToken(body: unknown): { expiresInSeconds: number; maxUses: number } {
  const input = bodyObject(body, { optional: true });
  const problems = new Problems();
  refuseUnknown(input, ['expires_in', 'max_uses'], problems);
  const { expiresIn, maxUses } = INITIAL_ACCESS_TOKEN_LIMITS;
  const expiresInSeconds = integerIn(input, 'expires_in', expiresIn.min, expiresIn.max, expiresIn.default, problems);
  const uses = integerIn(input, 'max_uses', maxUses.min, maxUses.max, maxUses.default, problems);
  problems.check();
  return { expiresInSeconds, maxUses: uses };
}
