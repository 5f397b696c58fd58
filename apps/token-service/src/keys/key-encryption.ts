import { CompactEncrypt, compactDecrypt, JWK } from 'jose';
import { hkdfSync } from 'node:crypto';

// The derived key is bound to this one use: the same secret never keys anything else directly.
const SALT = 'tessera.signing-keys';
const INFO = 'private JWK encryption (dir, A256GCM)';

/** The 32-byte AES key for the signing keys' private halves, derived from KEY_ENCRYPTION_SECRET. */
export function deriveKeyEncryptionKey(secret: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, SALT, INFO, 32));
}

/** The `kid` travels in the protected header, which AES-GCM authenticates with the ciphertext. */
export async function encryptPrivateJwk(jwk: JWK, kid: string, key: Uint8Array): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(jwk)))
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid })
    .encrypt(key);
}

export async function decryptPrivateJwk(jwe: string, kid: string, key: Uint8Array): Promise<JWK> {
  let decrypted: Awaited<ReturnType<typeof compactDecrypt>>;
  try {
    decrypted = await compactDecrypt(jwe, key, { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
  } catch {
    throw new Error(
      `cannot decrypt the private half of signing key ${kid}: KEY_ENCRYPTION_SECRET does not match the secret it was encrypted with (or the stored key was altered)`,
    );
  }
  if (decrypted.protectedHeader.kid !== kid) {
    throw new Error(`the stored private half of signing key ${kid} was encrypted for another key`);
  }
  return JSON.parse(new TextDecoder().decode(decrypted.plaintext)) as JWK;
}
