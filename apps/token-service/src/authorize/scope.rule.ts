import { ADMIN_SCOPE, InvalidScope } from '@tessera/contracts';

/** The OpenID Connect scopes (OIDC Core §5.4, §11): what a client may ask for when it registered no `scope`. */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;
export const SUPPORTED_SCOPES = [...OIDC_SCOPES, ADMIN_SCOPE] as const;

/** Space-delimited, case-sensitive scope tokens (RFC 6749 §3.3), each one we know, without repeats. */
export function parseScope(value: string | undefined): string[] {
  if (value === undefined) return [];
  const tokens = value.split(' ').filter((t) => t !== '');
  for (const token of tokens) {
    if (!(SUPPORTED_SCOPES as readonly string[]).includes(token)) throw new InvalidScope(`unknown scope "${token.slice(0, 64)}"`);
  }
  return [...new Set(tokens)];
}

/**
 * The scopes a client may obtain: its registered `scope` metadata (RFC 7591 §2), or the OIDC
 * scopes when it registered none. `tessera:admin` is never a default: only the admin API and the CLI
 * give it to a client.
 */
export function allowedScopes(registered: string | null): string[] {
  return registered === null ? [...OIDC_SCOPES] : splitScope(registered);
}

/** A client asks only for what it is allowed (RFC 6749 §3.3: the server may refuse the rest). */
export function checkAllowedScope(requested: readonly string[], allowed: readonly string[]): void {
  const extra = requested.filter((s) => !allowed.includes(s));
  if (extra.length) throw new InvalidScope(`the client is not allowed the scope ${extra.join(' ')}`);
}

/**
 * The scope of a client_credentials request (RFC 6749 §4.4.2). The OpenID scopes describe a person,
 * which a client acting for itself is not, so the only scope it can get is `tessera:admin`, and only
 * when it is allowed it. Nothing asked, nothing granted: a service client holds admin rights only in
 * the tokens it asked them for.
 */
export function clientCredentialsScope(requested: string | undefined, allowed: readonly string[]): string[] {
  const scope = parseScope(requested);
  const personal = scope.filter((s) => s !== ADMIN_SCOPE);
  if (personal.length) throw new InvalidScope(`a client acting for itself cannot be granted ${personal.join(' ')}`);
  checkAllowedScope(scope, allowed);
  return scope;
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
