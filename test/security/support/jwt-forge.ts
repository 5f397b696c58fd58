/**
 * Tools to forge JWTs byte by byte for the hostile-input suites: raw header and payload JSON text
 * (so duplicate keys and odd encodings survive), and signatures by the attacker's keys, by HMAC
 * under the issuer's public key, or by the issuer's own key (to test claim checks on tokens whose
 * signature is genuine).
 */
import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { DataSource } from 'typeorm';
import { decryptPrivateJwk, deriveKeyEncryptionKey } from '../../../apps/token-service/src/keys/key-encryption';
import { SigningKeyRepository } from '../../../apps/token-service/src/keys/signing-key.repository';
import type { Provider } from '../../e2e/harness';

export type Json = string | Record<string, unknown>;

export const b64url = (value: string | Buffer | Uint8Array): string => Buffer.from(value).toString('base64url');

/** JSON text as given (a string is taken verbatim, so `{"alg":"RS256","alg":"none"}` stays as written). */
export const segment = (value: Json): string => b64url(typeof value === 'string' ? value : JSON.stringify(value));

export function compact(header: Json, payload: Json, signature: Buffer | string = ''): string {
  return `${segment(header)}.${segment(payload)}.${typeof signature === 'string' ? signature : b64url(signature)}`;
}

export type RsaAlg = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512';

/** Signs `header.payload` with an RSA private key the way RFC 7518 §3.3/§3.5 says for `alg`. */
export function rsaSign(key: KeyObject, alg: RsaAlg, header: Json, payload: Json): string {
  const input = `${segment(header)}.${segment(payload)}`;
  const hash = `sha${alg.slice(2)}`;
  const signature = alg.startsWith('PS')
    ? sign(hash, Buffer.from(input), { key, padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: Number(alg.slice(2)) / 8 })
    : sign(hash, Buffer.from(input), key);
  return `${input}.${b64url(signature)}`;
}

export type HmacAlg = 'HS256' | 'HS384' | 'HS512';

/** The classic algorithm-confusion forgery: HMAC keyed with something public. */
export function hmacSign(alg: HmacAlg, secret: Buffer | string, header: Json, payload: Json): string {
  const input = `${segment(header)}.${segment(payload)}`;
  return `${input}.${b64url(createHmac(`sha${alg.slice(2)}`, secret).update(input).digest())}`;
}

export function esSign(key: KeyObject, header: Json, payload: Json): string {
  const input = `${segment(header)}.${segment(payload)}`;
  return `${input}.${b64url(sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }))}`;
}

export interface RsaKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public key as a JWK (kty, n, e). */
  publicJwk: { kty: string; n: string; e: string };
}

/** A fresh RSA-2048 key pair that the issuer has never seen. */
export function attackerRsaKey(): RsaKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const { kty, n, e } = publicKey.export({ format: 'jwk' }) as { kty: string; n: string; e: string };
  return { privateKey, publicKey, publicJwk: { kty, n, e } };
}

export interface IssuerKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The key exactly as /.well-known/jwks.json publishes it. */
  publishedJwk: Record<string, unknown>;
  /** The body of /.well-known/jwks.json as served. */
  jwksBody: string;
}

/**
 * The issuer's active signing key, read the way an operator with database access could: the stored
 * row decrypted under KEY_ENCRYPTION_SECRET. With it a test can mint tokens whose signature is
 * genuine and whose claims are hostile, which is how claim validation is tested at all.
 */
export async function issuerKey(provider: Provider): Promise<IssuerKey> {
  const res = await fetch(`${provider.issuer}/.well-known/jwks.json`);
  const jwksBody = await res.text();
  const published = (JSON.parse(jwksBody) as { keys: Record<string, unknown>[] }).keys;
  const rows = await new SigningKeyRepository(provider.tokenServiceApp.get(DataSource)).findPublished();
  const active = rows.find((row) => row.state === 'active');
  if (!active) throw new Error('the issuer has no active signing key');
  const privateJwk = await decryptPrivateJwk(active.privateJwkEncrypted, active.kid, deriveKeyEncryptionKey(provider.env.KEY_ENCRYPTION_SECRET));
  const privateKey = createPrivateKey({ key: privateJwk as never, format: 'jwk' });
  const publishedJwk = published.find((k) => k.kid === active.kid);
  if (!publishedJwk) throw new Error(`the JWKS does not publish the active key ${active.kid}`);
  return { kid: active.kid, privateKey, publicKey: createPublicKey(privateKey), publishedJwk, jwksBody };
}

/** Every encoding of the issuer's public key an HMAC-confusion attacker might try as the secret. */
export function publicKeyEncodings(key: IssuerKey): { name: string; secret: Buffer | string }[] {
  const spki = key.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const pkcs1 = key.publicKey.export({ format: 'pem', type: 'pkcs1' }).toString();
  const der = key.publicKey.export({ format: 'der', type: 'spki' });
  const jwk = key.publicKey.export({ format: 'jwk' }) as { n: string; e: string; kty: string };
  return [
    { name: 'SPKI PEM', secret: spki },
    { name: 'SPKI PEM without the trailing newline', secret: spki.trimEnd() },
    { name: 'SPKI PEM without any newline', secret: spki.replace(/\n/g, '') },
    { name: 'SPKI PEM with CRLF line ends', secret: spki.replace(/\n/g, '\r\n') },
    { name: 'PKCS#1 PEM', secret: pkcs1 },
    { name: 'DER bytes', secret: der },
    { name: 'DER in base64', secret: der.toString('base64') },
    { name: 'DER in base64url', secret: der.toString('base64url') },
    { name: 'the JWK as published', secret: JSON.stringify(key.publishedJwk) },
    { name: 'the JWK members in thumbprint order', secret: JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n }) },
    { name: 'the whole JWKS document', secret: key.jwksBody },
    { name: 'the modulus n as bytes', secret: Buffer.from(jwk.n, 'base64url') },
    { name: 'the modulus n as its base64url text', secret: jwk.n },
    { name: 'the kid', secret: key.kid },
    { name: 'an empty secret', secret: Buffer.alloc(0) },
  ];
}
