/**
 * What the JWKS cache reports, for logs and metrics. Every event goes to `onEvent`; none carries a
 * token or a secret (key sets are public).
 *
 * - `jwks:refreshed` — a new key set was fetched and is in use.
 * - `jwks:not-modified` — the issuer answered 304 to a conditional request: same keys, max-age restarted.
 * - `jwks:loaded-from-file` — the set persisted in `cacheFile` is in use (revalidated in the background).
 * - `jwks:file-ignored` — `cacheFile` exists but was not used (corrupt, another issuer, too old, no usable key).
 * - `jwks:file-write-failed` — the set could not be persisted; verification is unaffected.
 * - `jwks:stale` — a refresh failed; the last good set keeps being served (`ageSeconds` since it was fetched).
 * - `jwks:error` — a refresh failed and no set fresh enough is left: verifications fail with `ERR_JWKS_UNAVAILABLE`.
 * - `status-list:refreshed` / `status-list:stale` / `status-list:error` — the same for a token status list
 *   (`statusList` option); after `status-list:error` a strict verifier answers `ERR_TOKEN_STATUS_UNAVAILABLE`.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({
 *   issuer, audience,
 *   onEvent: (event) => {
 *     if (event.type === 'jwks:stale' || event.type === 'jwks:error') logger.warn(event);
 *   },
 * });
 * ```
 */
export type RpEvent =
  | { type: 'jwks:refreshed'; kids: string[]; maxAgeSeconds: number }
  | { type: 'jwks:not-modified' }
  | { type: 'jwks:loaded-from-file'; ageSeconds: number }
  | { type: 'jwks:file-ignored'; reason: string }
  | { type: 'jwks:file-write-failed'; error: string }
  | { type: 'jwks:stale'; ageSeconds: number; error: string }
  | { type: 'jwks:error'; error: string }
  | { type: 'status-list:refreshed'; uri: string; ttlSeconds: number }
  | { type: 'status-list:stale'; uri: string; ageSeconds: number; error: string }
  | { type: 'status-list:error'; uri: string; error: string };

/** A listener that throws must not break verification: its error is dropped. */
export function safeEmitter(listener: ((event: RpEvent) => void) | undefined): (event: RpEvent) => void {
  if (!listener) return () => {};
  return (event) => {
    try {
      listener(event);
    } catch {
      // the listener's own bug; the cache keeps working
    }
  };
}
