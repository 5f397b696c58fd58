import { InvalidScope } from '@tessera/contracts';

export const SUPPORTED_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

/** Space-delimited, case-sensitive scope tokens (RFC 6749 §3.3), each one we know, without repeats. */
export function parseScope(value: string | undefined): string[] {
  if (value === undefined) return [];
  const tokens = value.split(' ').filter((t) => t !== '');
  for (const token of tokens) {
    if (!(SUPPORTED_SCOPES as readonly string[]).includes(token)) throw new InvalidScope(`unknown scope "${token.slice(0, 64)}"`);
  }
  return [...new Set(tokens)];
}

/** A narrower scope on refresh MUST NOT include anything not originally granted (RFC 6749 §6). */
export function narrowScope(requested: string | undefined, granted: string[]): string[] {
  if (requested === undefined) return granted;
  const wanted = parseScope(requested);
  const extra = wanted.filter((s) => !granted.includes(s));
  if (extra.length) throw new InvalidScope(`scope exceeds what was granted: ${extra.join(' ')}`);
  return wanted;
}

export function coversScope(granted: string[], requested: string[]): boolean {
  return requested.every((s) => granted.includes(s));
}

export const joinScope = (scope: string[]): string => scope.join(' ');
export const splitScope = (scope: string): string[] => scope.split(' ').filter((s) => s !== '');
