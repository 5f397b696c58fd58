import { CryptoKey, importJWK } from 'jose';

/** The public members of one RSA signing key, as persisted in the cache file. */
export interface RsaPublicJwk {
  kty: 'RSA';
  kid: string;
  n: string;
  e: string;
}

export interface ImportedKeys {
  byKid: Map<string, CryptoKey>;
  /** What was imported, in the issuer's order: the cache file stores exactly this. */
  jwks: RsaPublicJwk[];
}

const MAX_KEYS = 100;
const MAX_KID_LENGTH = 256;
const MIN_MODULUS_BYTES = 256; // RSA-2048 (RFC 7518 §3.3: 2048 bits or larger)
const MAX_MODULUS_BYTES = 1024; // RSA-8192: a larger modulus only makes each verification slower
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * The keys of a JWK Set (RFC 7517 §5) that can verify an RS256 signature. Anything else is skipped,
 * not rejected, so an issuer may publish encryption or other-algorithm keys next to its signing keys:
 * another `kty`, `use` other than `sig`, `alg` other than RS256, `key_ops` without `verify`, a private
 * key, a modulus below 2048 bits, a kid seen before. Throws when no key is left.
 */
export async function importSigningKeys(document: unknown): Promise<ImportedKeys> {
  if (typeof document !== 'object' || document === null || !Array.isArray((document as { keys?: unknown }).keys)) {
    throw new Error('not a JWK Set');
  }
  const candidates: RsaPublicJwk[] = [];
  const seen = new Set<string>();
  for (const jwk of (document as { keys: unknown[] }).keys) {
    const usable = usableRsaSigningKey(jwk);
    if (!usable || seen.has(usable.kid)) continue;
    seen.add(usable.kid);
    candidates.push(usable);
    if (candidates.length === MAX_KEYS) break;
  }
  const imported = await Promise.all(candidates.map(async (jwk) => {
    try {
      return { jwk, key: (await importJWK({ kty: 'RSA', n: jwk.n, e: jwk.e }, 'RS256')) as CryptoKey };
    } catch {
      return undefined;
    }
  }));
  const byKid = new Map<string, CryptoKey>();
  const jwks: RsaPublicJwk[] = [];
  for (const entry of imported) {
    if (!entry) continue;
    byKid.set(entry.jwk.kid, entry.key);
    jwks.push(entry.jwk);
  }
  if (byKid.size === 0) throw new Error('the JWK Set has no usable RS256 signing key');
  return { byKid, jwks };
}

function usableRsaSigningKey(value: unknown): RsaPublicJwk | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const jwk = value as Record<string, unknown>;
  if (jwk.kty !== 'RSA') return undefined;
  if (jwk.use !== undefined && jwk.use !== 'sig') return undefined;
  if (jwk.alg !== undefined && jwk.alg !== 'RS256') return undefined;
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) return undefined;
  if (jwk.d !== undefined) return undefined; // a private key has no business in a public JWKS
  const { kid, n, e } = jwk;
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH) return undefined;
  if (typeof n !== 'string' || typeof e !== 'string' || !BASE64URL.test(n) || !BASE64URL.test(e) || e.length > 8) return undefined;
  const modulusBytes = modulusLength(n);
  if (modulusBytes < MIN_MODULUS_BYTES || modulusBytes > MAX_MODULUS_BYTES) return undefined;
  return { kty: 'RSA', kid, n, e };
}

/** Bytes of the modulus without leading zero octets. */
function modulusLength(n: string): number {
  if (n.length > 2 * MAX_MODULUS_BYTES) return Infinity;
  const bytes = Buffer.from(n, 'base64url');
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start++;
  return bytes.length - start;
}
