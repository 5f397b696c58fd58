/**
 * Redirect URIs are compared by exact string match against the registered ones (RFC 9700 §2.1,
 * §4.1.3): no prefix, no normalisation, no wildcard, so nothing can be smuggled past the check.
 */
export function isRegisteredRedirectUri(registered: readonly string[], candidate: string): boolean {
  return registered.includes(candidate);
}

/** Adds response parameters to a (registered) redirect URI, keeping its own query (RFC 6749 §3.1.2). */
export function withParams(uri: string, params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.append(name, value);
  }
  return url.toString();
}
