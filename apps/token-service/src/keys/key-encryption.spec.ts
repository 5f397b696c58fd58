import { exportJWK, generateKeyPair } from 'jose';
import { decryptPrivateJwk, deriveKeyEncryptionKey, encryptPrivateJwk } from './key-encryption';

const SECRET = 'a-key-encryption-secret-of-enough-length-0123456789';

describe('private signing key encryption', () => {
  let jwk: Awaited<ReturnType<typeof exportJWK>>;
  beforeAll(async () => {
    const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
    jwk = await exportJWK(privateKey);
  });

  it('derives a 32-byte key, the same for the same secret', () => {
    expect(deriveKeyEncryptionKey(SECRET)).toHaveLength(32);
    expect(deriveKeyEncryptionKey(SECRET)).toEqual(deriveKeyEncryptionKey(SECRET));
    expect(deriveKeyEncryptionKey(SECRET)).not.toEqual(deriveKeyEncryptionKey(`${SECRET}x`));
  });

  it('round-trips, with dir/A256GCM and the kid in the protected header', async () => {
    const jwe = await encryptPrivateJwk(jwk, 'kid-1', deriveKeyEncryptionKey(SECRET));
    const header = JSON.parse(Buffer.from(jwe.split('.')[0], 'base64url').toString()) as Record<string, unknown>;
    expect(header).toEqual({ alg: 'dir', enc: 'A256GCM', kid: 'kid-1' });
    expect(jwe).not.toContain(jwk.d);
    await expect(decryptPrivateJwk(jwe, 'kid-1', deriveKeyEncryptionKey(SECRET))).resolves.toEqual(jwk);
  });

  it('refuses a wrong secret, naming KEY_ENCRYPTION_SECRET and not repeating it', async () => {
    const jwe = await encryptPrivateJwk(jwk, 'kid-1', deriveKeyEncryptionKey(SECRET));
    const other = 'another-secret-that-is-long-enough-0123456789';
    const error = await decryptPrivateJwk(jwe, 'kid-1', deriveKeyEncryptionKey(other)).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/KEY_ENCRYPTION_SECRET does not match/);
    expect((error as Error).message).not.toContain(other);
    expect((error as Error).message).not.toContain(SECRET);
  });

  it('refuses a tampered JWE', async () => {
    const jwe = await encryptPrivateJwk(jwk, 'kid-1', deriveKeyEncryptionKey(SECRET));
    const parts = jwe.split('.');
    const ciphertext = Buffer.from(parts[3], 'base64url');
    ciphertext[10] ^= 1;
    parts[3] = ciphertext.toString('base64url');
    await expect(decryptPrivateJwk(parts.join('.'), 'kid-1', deriveKeyEncryptionKey(SECRET))).rejects.toThrow(/cannot decrypt/);
  });

  it('refuses a JWE whose protected header was changed to another kid', async () => {
    const jwe = await encryptPrivateJwk(jwk, 'kid-1', deriveKeyEncryptionKey(SECRET));
    const parts = jwe.split('.');
    parts[0] = Buffer.from(JSON.stringify({ alg: 'dir', enc: 'A256GCM', kid: 'kid-2' })).toString('base64url');
    await expect(decryptPrivateJwk(parts.join('.'), 'kid-2', deriveKeyEncryptionKey(SECRET))).rejects.toThrow(/cannot decrypt/);
  });

  it('refuses a key stored under another kid', async () => {
    const jwe = await encryptPrivateJwk(jwk, 'kid-1', deriveKeyEncryptionKey(SECRET));
    await expect(decryptPrivateJwk(jwe, 'kid-2', deriveKeyEncryptionKey(SECRET))).rejects.toThrow(/another key/);
  });
});
