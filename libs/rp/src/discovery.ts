import { httpGet, HttpGetOptions } from './http-get';

const MAX_DISCOVERY_BYTES = 512 * 1024;

/** `${issuer}/.well-known/openid-configuration`, without doubling a trailing slash (OIDC Discovery 1.0 §4). */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

/**
 * The issuer's `jwks_uri` from its discovery document. The document's `issuer` must be identical to
 * ours (OIDC Discovery 1.0 §4.3), so a look-alike or misconfigured host cannot hand us its keys.
 */
export async function discoverJwksUri(issuer: string, http: Omit<HttpGetOptions, 'maxBytes' | 'headers'>): Promise<string> {
  const url = discoveryUrl(issuer);
  const response = await httpGet(url, { ...http, maxBytes: MAX_DISCOVERY_BYTES });
  if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status}`);
  let document: unknown;
  try {
    document = JSON.parse(response.body ?? '');
  } catch {
    throw new Error(`${url}: not JSON`);
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw new Error(`${url}: not a JSON object`);
  const metadata = document as Record<string, unknown>;
  if (metadata.issuer !== issuer) throw new Error(`${url}: "issuer" does not match ${issuer}`);
  const jwksUri = metadata.jwks_uri;
  if (typeof jwksUri !== 'string') throw new Error(`${url}: no "jwks_uri"`);
  checkJwksUri(jwksUri, issuer);
  return jwksUri;
}

/** An http(s) URL; https whenever the issuer is https, so discovery cannot downgrade the key transport. */
export function checkJwksUri(jwksUri: string, issuer: string): void {
  let url: URL;
  try {
    url = new URL(jwksUri);
  } catch {
    throw new Error(`jwks_uri is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('jwks_uri must be an http(s) URL');
  if (issuer.startsWith('https:') && url.protocol !== 'https:') throw new Error('jwks_uri must be https for an https issuer');
}
