import { decodeProtectedHeader, JWTPayload } from 'jose';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { openMigratedDatabase } from '../../../../test/support/migrated-database';
import { ScratchDatabase, scratchDatabase } from '../../../../test/support/scratch-database';
import { loadTokenServiceConfig, TokenServiceConfig } from '../config/token-service.config';
import { SigningKeys1764300000000 } from '../migrations/1764300000000-signing-keys';
import { SigningKeySchedule1764300240000 } from '../migrations/1764300240000-signing-key-schedule';
import { hasChanges } from './key-schedule';
import { RevokedSigningKey, SigningKeyRevocationHook } from './signing-key-revocation';
import { SigningKey } from './signing-key.entity';
import { SigningKeyRepository } from './signing-key.repository';
import { SigningKeys } from './signing-keys.service';

const ISSUER = 'https://id.example.test';
const SECRET = 'key-rotation-test-secret-0123456789abcdef';
const S = 1000;
const DAY = 86_400 * S;

/** Several token service instances' keys over one database of their own, on a clock the test moves. */
async function cluster(tmpDir: string, count: number, hook?: SigningKeyRevocationHook) {
  const database = await scratchDatabase(await mkdtemp(join(tmpDir, 'db-')));
  const config: TokenServiceConfig = loadTokenServiceConfig({
    ISSUER, DATA_DIR: tmpDir, DATABASE_URL: database.url, KEY_ENCRYPTION_SECRET: SECRET, INTERNAL_API_SECRET: SECRET,
  });
  const clock = { t: Date.now(), now() { return this.t; } };
  const dataSources: DataSource[] = [];
  const instances: SigningKeys[] = [];
  for (let i = 0; i < count; i++) {
    const ds = await openMigratedDatabase(database.url, { entities: [SigningKey], migrations: [SigningKeys1764300000000, SigningKeySchedule1764300240000] });
    dataSources.push(ds);
    instances.push(new SigningKeys(config, ds, clock, hook));
  }
  await Promise.all(instances.map((k) => k.onModuleInit()));
  const repository = new SigningKeyRepository(dataSources[0]);
  return {
    clock, instances, repository, config, dataSource: dataSources[0],
    stored: async () => Object.fromEntries((await repository.listSummaries()).map((k) => [k.kid, k.state])),
    async close() {
      instances.forEach((k) => k.onModuleDestroy());
      await Promise.all(dataSources.map((ds) => ds.destroy()));
      await database.drop();
    },
  };
}

const kidsIn = (keys: SigningKeys) => (JSON.parse(keys.jwks().body) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
const claims = (): JWTPayload => ({ iss: ISSUER, sub: 'user-1', aud: 'client-1', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 300 });

describe('the key rotation schedule on a real database, with several instances', () => {
  let tmpDir: string;
  const closing: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    tmpDir = await mkdtemp(join(tmpdir(), 'tessera-key-rotation-'));
  });
  afterAll(async () => {
    for (const close of closing) await close();
    await rm(tmpDir, { recursive: true, force: true });
  });
  const start = async (count: number, hook?: SigningKeyRevocationHook) => {
    const c = await cluster(tmpDir, count, hook);
    closing.push(() => c.close());
    return c;
  };

  it('publishes the next key before it signs, signs with it at the end of the period, and keeps the old one until its tokens have expired', async () => {
    const { clock, instances: [a, b], repository, stored } = await start(2);
    const { leadTimeMs, retentionMs, rotationPeriodMs } = a.schedulePolicy;
    const first = a.activeKid;
    const startedAt = clock.t;
    expect(await stored()).toEqual({ [first]: 'active' });

    clock.t = startedAt + rotationPeriodMs - leadTimeMs - 1;
    expect(hasChanges(await a.advance())).toBe(false);

    // The next key: created by one instance, published by both (after b's reload), signing for none.
    clock.t += 1;
    await a.advance();
    await b.reload();
    const next = Object.entries(await stored()).find(([, state]) => state === 'next')![0];
    expect(kidsIn(a)).toEqual([first, next]);
    expect(kidsIn(b)).toEqual([first, next]);
    expect(decodeProtectedHeader(await b.sign(claims(), 'JWT')).kid).toBe(first);
    const signedByFirst = await a.sign(claims(), 'JWT');

    clock.t = startedAt + rotationPeriodMs - 1;
    expect(hasChanges(await b.advance())).toBe(false);
    expect(a.activeKid).toBe(first);

    // The end of the period: the next key signs; the first stays published and verifiable.
    clock.t = startedAt + rotationPeriodMs;
    await b.advance();
    await a.reload();
    expect(await stored()).toEqual({ [first]: 'retired', [next]: 'active' });
    expect([a.activeKid, b.activeKid]).toEqual([next, next]);
    expect(decodeProtectedHeader(await a.sign(claims(), 'JWT')).kid).toBe(next);
    expect(kidsIn(a)).toEqual([next, first]);
    await expect(b.verify(signedByFirst, { typ: 'JWT' })).resolves.toBeDefined();
    const retired = (await repository.listSummaries()).find((k) => k.kid === first)!;
    expect(retired.removeAfter).toBe(clock.t + retentionMs);

    // It leaves the JWKS only once the longest-lived token it signed has expired (+ skew).
    clock.t = retired.removeAfter! - 1;
    expect(hasChanges(await a.advance())).toBe(false);
    expect(kidsIn(a)).toContain(first);
    clock.t = retired.removeAfter!;
    await a.advance();
    await b.reload();
    expect(await stored()).toEqual({ [first]: 'removed', [next]: 'active' });
    expect(kidsIn(a)).toEqual([next]);
    expect(kidsIn(b)).toEqual([next]);
    const row = await repository.findPublished();
    expect(row.map((k) => k.kid)).toEqual([next]);
  });

  it('wipes the private half of a removed key', async () => {
    const { clock, instances: [a], config, dataSource } = await start(1);
    const first = a.activeKid;
    await a.rotate();
    clock.t += keysRetention(config);
    await a.advance();
    const row = await dataSource.getRepository(SigningKey).findOneByOrFail({ kid: first });
    expect(row).toMatchObject({ state: 'removed', privateJwkEncrypted: '' });
  });

  it('three instances advancing at once perform each transition exactly once', async () => {
    const { clock, instances, stored } = await start(3);
    const [a] = instances;
    const { leadTimeMs, rotationPeriodMs, retentionMs } = a.schedulePolicy;
    const startedAt = clock.t;
    const changed = async () => (await Promise.all(instances.map((k) => k.advance()))).filter(hasChanges).length;

    clock.t = startedAt + rotationPeriodMs - leadTimeMs;
    expect(await changed()).toBe(1);
    expect(Object.values(await stored()).sort()).toEqual(['active', 'next']);

    clock.t = startedAt + rotationPeriodMs;
    expect(await changed()).toBe(1);
    expect(Object.values(await stored()).sort()).toEqual(['active', 'retired']);

    clock.t += retentionMs;
    expect(await changed()).toBe(1);
    expect(Object.values(await stored()).sort()).toEqual(['active', 'removed']);
    await Promise.all(instances.map((k) => k.reload()));
    expect(new Set(instances.map((k) => k.activeKid)).size).toBe(1);
  });

  it('derives the JWKS Cache-Control from the schedule, bounded by JWKS_MAX_AGE', async () => {
    const { clock, instances: [a] } = await start(1);
    const { leadTimeMs, rotationPeriodMs, retentionMs } = a.schedulePolicy;
    const startedAt = clock.t;
    expect(a.jwksCacheControl()).toBe('public, max-age=300');
    // 42 s before the next key is published: no copy may be cached past that.
    clock.t = startedAt + rotationPeriodMs - leadTimeMs - 42 * S;
    expect(a.jwksCacheControl()).toBe('public, max-age=42');
    // With a retired key, until it leaves the JWKS.
    clock.t = startedAt;
    await a.rotate();
    clock.t = startedAt + retentionMs - 17 * S;
    expect(a.jwksCacheControl()).toBe('public, max-age=17');
  });

  it('keys:rotate publishes a next key that activates after the lead time; --now activates it at once', async () => {
    const { clock, instances: [a], stored } = await start(1);
    const first = a.activeKid;
    const next = await a.publishNextKey();
    expect(next).toEqual({ kid: expect.any(String), activateAfter: clock.t + a.schedulePolicy.leadTimeMs, created: true });
    expect(await a.publishNextKey()).toEqual({ ...next, created: false });
    expect(kidsIn(a)).toEqual([first, next.kid]);
    expect(a.activeKid).toBe(first);

    clock.t = next.activateAfter;
    await a.advance();
    expect(a.activeKid).toBe(next.kid);

    const second = await a.publishNextKey();
    expect(await a.rotate()).toBe(second.kid);
    expect(await stored()).toEqual({ [first]: 'retired', [next.kid]: 'retired', [second.kid]: 'active' });
  });

  it('keys:revoke removes the active key at once, signs with the next one, and tells the hook what the key signed', async () => {
    const told: RevokedSigningKey[] = [];
    const { clock, instances: [a, b], stored, repository } = await start(2, { signingKeyRevoked: async (key) => { told.push(key); } });
    const compromised = a.activeKid;
    const [{ activatedAt }] = await repository.listSummaries();
    const signed = await a.sign(claims(), 'JWT');
    const next = await a.publishNextKey();

    clock.t += 60 * S;
    const result = await a.revoke(compromised);
    await b.reload();

    expect(result).toEqual({
      revoked: { kid: compromised, signedFrom: activatedAt, signedUntil: clock.t + 15 * S, revokedAt: clock.t },
      activeKid: next.kid,
      hookCalled: true,
    });
    expect(told).toEqual([result.revoked]);
    expect(await stored()).toEqual({ [compromised]: 'revoked', [next.kid]: 'active' });
    for (const keys of [a, b]) {
      expect(kidsIn(keys)).toEqual([next.kid]);
      expect(keys.activeKid).toBe(next.kid);
      await expect(keys.verify(signed, { typ: 'JWT' })).rejects.toThrow();
    }
    // Again: nothing changes, the hook is told again (a retry after it failed).
    await a.revoke(compromised);
    expect(told).toHaveLength(2);
    await expect(a.revoke('no-such-kid')).rejects.toThrow(/no signing key no-such-kid/);
    await expect(a.revoke("x' OR 1=1")).rejects.toThrow(/a kid is/);
  });
});

function keysRetention(config: TokenServiceConfig): number {
  return (Math.max(config.ttl.accessToken, config.ttl.idToken) + 60 + 15) * S;
}
