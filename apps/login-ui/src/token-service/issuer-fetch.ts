import type { LoginUiConfig } from '../config/login-ui.config';

/**
 * Where a request for `url` goes when this app reaches the issuer's origin at `internalOrigin`:
 * a URL of the issuer's origin (exactly: scheme, host and port) gets the internal origin and keeps
 * its path, query and fragment; any other URL is returned unchanged (null), so a token or a
 * discovery document can never make us send a request somewhere new.
 *
 * Only the origin is swapped, through the URL setters: rebuilding the URL from its path would let a
 * path like `//elsewhere.example/` turn into another host.
 */
function internalIssuerUrl(url: URL, issuerOrigin: string, internalOrigin: string): URL | null {
  if (url.origin !== issuerOrigin) return null;
  const internal = new URL(internalOrigin);
  const target = new URL(url.href);
  target.protocol = internal.protocol;
  target.hostname = internal.hostname;
  target.port = internal.port;
  return target;
}

/**
 * The `fetch` for every request this app makes to the issuer's public endpoints (discovery, JWKS,
 * token, introspection, status lists): ISSUER is where browsers and partners reach the issuer, which
 * from inside a container may be the container itself, so requests to ISSUER's origin go to
 * ISSUER_INTERNAL_URL instead. Tokens and discovery still name ISSUER, and are checked against it.
 */
export function issuerFetch(
  config: Pick<LoginUiConfig, 'issuer' | 'issuerInternalUrl'>,
  fetchImpl: typeof globalThis.fetch = globalThis.fetch,
): typeof globalThis.fetch {
  const issuerOrigin = new URL(config.issuer).origin;
  const internalOrigin = new URL(config.issuerInternalUrl).origin;
  if (internalOrigin === issuerOrigin) return fetchImpl;
  return (input, init) => {
    const request = input instanceof Request ? input : undefined;
    const target = internalIssuerUrl(new URL(request ? request.url : input), issuerOrigin, internalOrigin);
    if (!target) return fetchImpl(input, init);
    return fetchImpl(request ? new Request(target, request) : target, init);
  };
}
