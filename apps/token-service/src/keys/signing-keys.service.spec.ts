import { InvalidToken } from '@tessera/contracts';
import {
  calculateJwkThumbprint, CryptoKey, decodeProtectedHeader, exportJWK, exportSPKI, generateKeyPair, importJWK, JWTPayload, SignJWT,
  UnsecuredJWT,
} from 'jose';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { openMigratedDatabase } from '../../../../test/support/migrated-database';
import { ScratchDatabase, scratchDatabase } from '../../../../test/support/scratch-database';
import { loadTokenServiceConfig, TokenServiceConfig } from '../config/token-service.config';
import { SigningKeys1764300000000 } from '../migrations/1764300000000-signing-keys';
import { SigningKeySchedule1764300240000 } from '../migrations/1764300240000-signing-key-schedule';
import { deriveKeyEncryptionKey, encryptPrivateJwk } from './key-encryption';
import { SigningKey } from './signing-key.entity';
import { SigningKeyRepository } from './signing-key.repository';
import { SigningKeys } from './signing-keys.service';

const ISSUER = 'https://id.example.test';
const SECRET = 'signing-keys-test-secret-0123456789abcdef';
const DAY_MS = 86_400_000;
const now = () => Math.floor(Date.now() / 1000);

describe('SigningKeys on a real database', () => {
  let tmpDir: string;
  let database: ScratchDatabase;
  let config: TokenServiceConfig;
  const dataSources: DataSource[] = [];
  const services: SigningKeys[] = [];
  let keys: SigningKeys;

  const open = () => openMigratedDatabase(database.url, { entities: [SigningKey], migrations: [SigningKeys1764300000000, SigningKeySchedule1764300240000] })
    .then((ds) => { dataSources.push(ds); return ds; });
  const instance = (ds: DataSource, secret = SECRET) => {
    const service = new SigningKeys({ ...config, keyEncryptionSecret: secret }, ds);
    services.push(service);
    return service;
  };
  const claims = (extra: JWTPayload = {}): JWTPayload => ({ iss: ISSUER, sub: 'user-1', aud: 'client-1', iat: now(), exp: now() + 300, ...extra });

  beforeAll(async () => {
    tmpDir = await mkdtemp(join(tmpdir(), 'tessera-signing-keys-'));
    database = await scratchDatabase(tmpDir);
    config = loadTokenServiceConfig({
      ISSUER, DATA_DIR: tmpDir, DATABASE_URL: database.url, KEY_ENCRYPTION_SECRET: SECRET, INTERNAL_API_SECRET: SECRET,
    });
    // Two instances starting at the same time against an empty table (DESIGN.md: exactly one creates the key).
    const [a, b] = [instance(await open()), instance(await open())];
    await Promise.all([a.onModuleInit(), b.onModuleInit()]);
    keys = a;
  });

  afterAll(async () => {
    services.forEach((s) => s.onModuleDestroy());
    await Promise.all(dataSources.map((ds) => ds.destroy()));
    await database?.drop();
    await rm(tmpDir, { recursive: true, force: true });
  });

  it('creates one active key when two instances start at once, and both use it', async () => {
    const stored = await new SigningKeyRepository(dataSources[0]).listSummaries();
    expect(stored).toEqual([expect.objectContaining({ kid: keys.activeKid, state: 'active', retiredAt: null })]);
    expect(services[1].activeKid).toBe(keys.activeKid);
  });

  it('names the key by its RFC 7638 thumbprint and stores the private half encrypted', async () => {
    const [row] = await dataSources[0].getRepository(SigningKey).find();
    const publicJwk = JSON.parse(row.publicJwk) as Record<string, string>;
    expect(Object.keys(publicJwk).sort()).toEqual(['e', 'kty', 'n']);
    expect(await calculateJwkThumbprint({ kty: publicJwk.kty, n: publicJwk.n, e: publicJwk.e })).toBe(row.kid);
    expect(row.privateJwkEncrypted.split('.')).toHaveLength(5);
    expect(row.privateJwkEncrypted).not.toMatch(/"d"/);
  });

  it('serves a JWKS of public members only, with a strong ETag of its body', () => {
    const { body, etag } = keys.jwks();
    const { keys: jwks } = JSON.parse(body) as { keys: Record<string, unknown>[] };
    expect(jwks).toEqual([{ kty: 'RSA', n: expect.any(String), e: 'AQAB', kid: keys.activeKid, alg: 'RS256', use: 'sig' }]);
    expect(etag).toBe(`"${createHash('sha256').update(body).digest('base64url')}"`);
  });

  it('signs with the active key and verifies what it signed', async () => {
    const token = await keys.sign(claims(), 'at+jwt');
    const { payload, protectedHeader } = await services[1].verify(token, { typ: 'at+jwt', audience: 'client-1' });
    expect(protectedHeader).toEqual({ alg: 'RS256', kid: keys.activeKid, typ: 'at+jwt' });
    expect(payload).toMatchObject({ sub: 'user-1', iss: ISSUER });
  });

  it('accepts an expired token only when asked to, and only if everything else is right', async () => {
    const expired = await keys.sign(claims({ iat: now() - 3600, exp: now() - 600 }), 'JWT');
    await expect(keys.verify(expired, { typ: 'JWT' })).rejects.toThrow(new InvalidToken('the token has expired'));
    await expect(keys.verify(expired, { typ: 'JWT', allowExpired: true })).resolves.toMatchObject({ payload: { sub: 'user-1' } });
    await expect(keys.verify(expired, { typ: 'JWT', audience: 'client-2', allowExpired: true })).rejects.toThrow(InvalidToken);
    await expect(keys.verify(expired, { typ: 'at+jwt', allowExpired: true })).rejects.toThrow(InvalidToken);
    const expiredElsewhere = await keys.sign(claims({ iss: 'https://evil.example', exp: now() - 600 }), 'JWT');
    await expect(keys.verify(expiredElsewhere, { typ: 'JWT', allowExpired: true })).rejects.toThrow(InvalidToken);
  });

  it('tolerates 30 s of clock skew', async () => {
    const justExpired = await keys.sign(claims({ exp: now() - 10 }), 'JWT');
    await expect(keys.verify(justExpired, { typ: 'JWT' })).resolves.toBeDefined();
  });

  describe('refuses, with invalid_token and no token content in the message', () => {
    const header = (extra: Record<string, unknown> = {}) => ({ alg: 'RS256', kid: keys.activeKid, typ: 'JWT', ...extra });

    it.each<[string, () => Promise<string>, { typ: string; audience?: string }?]>([
      ['alg none', async () => new UnsecuredJWT(claims()).encode()],
      ['alg none with our kid', async () => {
        const [, payload] = new UnsecuredJWT(claims()).encode().split('.');
        return `${Buffer.from(JSON.stringify(header({ alg: 'none' }))).toString('base64url')}.${payload}.`;
      }],
      ['HS256 keyed with our public key', async () => {
        const { keys: [jwk] } = JSON.parse(keys.jwks().body) as { keys: Record<string, string>[] };
        const pem = await exportSPKI(await importJWK(jwk, 'RS256', { extractable: true }) as CryptoKey);
        return new SignJWT(claims()).setProtectedHeader(header({ alg: 'HS256' })).sign(new TextEncoder().encode(pem));
      }],
      ['a key that is not ours under our kid', async () => {
        const { privateKey } = await generateKeyPair('RS256');
        return new SignJWT(claims()).setProtectedHeader(header()).sign(privateKey);
      }],
      ['an unknown kid', async () => {
        const { privateKey } = await generateKeyPair('RS256');
        return new SignJWT(claims()).setProtectedHeader(header({ kid: 'not-ours' })).sign(privateKey);
      }],
      ['no kid', async () => {
        const token = await keys.sign(claims(), 'JWT');
        const [, payload, signature] = token.split('.');
        return `${Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT' })).toString('base64url')}.${payload}.${signature}`;
      }],
      ['a key embedded in the header', async () => {
        const { privateKey, publicKey } = await generateKeyPair('RS256');
        return new SignJWT(claims()).setProtectedHeader(header({ kid: undefined, jwk: await exportJWK(publicKey) })).sign(privateKey);
      }],
      ['a changed payload', async () => {
        const [h, , s] = (await keys.sign(claims(), 'JWT')).split('.');
        return `${h}.${Buffer.from(JSON.stringify(claims({ sub: 'admin' }))).toString('base64url')}.${s}`;
      }],
      ['a wrong typ', () => keys.sign(claims(), 'JWT'), { typ: 'at+jwt' }],
      ['a wrong issuer', () => keys.sign(claims({ iss: 'https://evil.example' }), 'JWT')],
      ['no issuer', () => keys.sign(claims({ iss: undefined }), 'JWT')],
      ['a wrong audience', () => keys.sign(claims(), 'JWT'), { typ: 'JWT', audience: 'client-2' }],
      ['an expired token', () => keys.sign(claims({ exp: now() - 60 }), 'JWT')],
      ['a token not yet valid', () => keys.sign(claims({ nbf: now() + 600 }), 'JWT')],
      ['something that is not a JWT', async () => 'not.a.jwt'],
    ])('%s', async (_case, makeToken, options = { typ: 'JWT' }) => {
      const token = await makeToken();
      const error = await keys.verify(token, options).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidToken);
      expect((error as InvalidToken).errorDescription).not.toContain(token.slice(0, 10));
    });
  });

  it('refuses to start with a KEY_ENCRYPTION_SECRET that does not match, without printing either secret', async () => {
    const wrong = 'a-different-key-encryption-secret-0123456789';
    const error = await instance(await open(), wrong).onModuleInit().catch((e: Error) => e);
    expect((error as Error).message).toMatch(/KEY_ENCRYPTION_SECRET does not match/);
    expect((error as Error).message).not.toContain(wrong);
    expect((error as Error).message).not.toContain(SECRET);
  });

  it('picks up a key another instance published within a reload interval', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'setTimeout', 'clearTimeout', 'Date', 'performance'] });
    try {
      const watcher = instance(await open());
      await watcher.onModuleInit();
      const before = watcher.jwks();

      const { publicKey, privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
      const { kty, n, e } = await exportJWK(publicKey);
      const kid = await calculateJwkThumbprint({ kty, n, e });
      await dataSources[0].getRepository(SigningKey).insert({
        kid, state: 'retired', publicJwk: JSON.stringify({ kty, n, e }),
        privateJwkEncrypted: await encryptPrivateJwk(await exportJWK(privateKey), kid, deriveKeyEncryptionKey(SECRET)),
        createdAt: Date.now() - 2 * DAY_MS, activatedAt: Date.now() - 2 * DAY_MS, retiredAt: Date.now() - DAY_MS,
        activateAfter: null, removeAfter: Date.now() + DAY_MS, revokedAt: null,
      });
      const fromOther = await new SignJWT(claims()).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(privateKey);
      await expect(watcher.verify(fromOther, { typ: 'JWT' })).rejects.toThrow(InvalidToken);

      jest.advanceTimersByTime(60_000);
      for (let i = 0; i < 250 && watcher.jwks().etag === before.etag; i++) await new Promise((r) => setTimeout(r, 20));

      const kids = (JSON.parse(watcher.jwks().body) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
      expect(kids).toEqual([keys.activeKid, kid]);
      expect(watcher.activeKid).toBe(keys.activeKid);
      await expect(watcher.verify(fromOther, { typ: 'JWT' })).resolves.toBeDefined();
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('SigningKeys.rotate() on a real database', () => {
  let tmpDir: string;
  const databases: ScratchDatabase[] = [];
  const dataSources: DataSource[] = [];
  const services: SigningKeys[] = [];
  const claims = (extra: JWTPayload = {}): JWTPayload => ({ iss: ISSUER, sub: 'user-1', aud: 'client-1', iat: now(), exp: now() + 300, ...extra });
  const kidsIn = (service: SigningKeys) => (JSON.parse(service.jwks().body) as { keys: { kid: string }[] }).keys.map((k) => k.kid);

  /** `count` instances of the token service's keys on a database of their own, started. */
  const instances = async (count: number): Promise<{ repository: SigningKeyRepository; started: SigningKeys[] }> => {
    const database = await scratchDatabase(await mkdtemp(join(tmpDir, 'db-')));
    databases.push(database);
    const config = loadTokenServiceConfig({
      ISSUER, DATA_DIR: tmpDir, DATABASE_URL: database.url, KEY_ENCRYPTION_SECRET: SECRET, INTERNAL_API_SECRET: SECRET,
    });
    const started: SigningKeys[] = [];
    for (let i = 0; i < count; i++) {
      const ds = await openMigratedDatabase(database.url, { entities: [SigningKey], migrations: [SigningKeys1764300000000, SigningKeySchedule1764300240000] });
      dataSources.push(ds);
      const service = new SigningKeys(config, ds);
      services.push(service);
      await service.onModuleInit();
      started.push(service);
    }
    return { repository: new SigningKeyRepository(dataSources[dataSources.length - 1]), started };
  };

  beforeAll(async () => {
    tmpDir = await mkdtemp(join(tmpdir(), 'tessera-signing-keys-rotate-'));
  });

  afterAll(async () => {
    services.forEach((s) => s.onModuleDestroy());
    await Promise.all(dataSources.map((ds) => ds.destroy()));
    await Promise.all(databases.map((d) => d.drop()));
    await rm(tmpDir, { recursive: true, force: true });
  });

  it('signs with a new key at once and keeps the previous one published as retired, so its tokens still verify', async () => {
    const { repository, started: [keys] } = await instances(1);
    const before = keys.activeKid;
    const oldToken = await keys.sign(claims(), 'at+jwt');
    const etagBefore = keys.jwks().etag;

    const kid = await keys.rotate();

    expect(kid).not.toBe(before);
    expect(keys.activeKid).toBe(kid);
    // The active key first, then the retired one: both in the JWKS, with a new ETag for caches to notice.
    expect(kidsIn(keys)).toEqual([kid, before]);
    expect(keys.jwks().etag).not.toBe(etagBefore);
    const stored = await repository.listSummaries();
    expect(stored).toEqual([
      expect.objectContaining({ kid: before, state: 'retired', retiredAt: expect.any(Number) }),
      expect.objectContaining({ kid, state: 'active', retiredAt: null }),
    ]);
    const newToken = await keys.sign(claims(), 'at+jwt');
    expect(decodeProtectedHeader(newToken).kid).toBe(kid);
    await expect(keys.verify(newToken, { typ: 'at+jwt' })).resolves.toBeDefined();
    await expect(keys.verify(oldToken, { typ: 'at+jwt' })).resolves.toMatchObject({ protectedHeader: { kid: before } });
  });

  it('another instance signs with the new key once it reloads, and verifies tokens of both keys', async () => {
    const { started: [rotating, other] } = await instances(2);
    const before = rotating.activeKid;
    const oldToken = await other.sign(claims(), 'JWT');
    const kid = await rotating.rotate();
    const fromRotated = await rotating.sign(claims(), 'JWT');
    // Until it reloads, the other instance still signs with (and publishes) only what it loaded.
    expect(other.activeKid).toBe(before);
    await expect(other.verify(fromRotated, { typ: 'JWT' })).rejects.toThrow(InvalidToken);

    await other.reload();

    expect(other.activeKid).toBe(kid);
    expect(kidsIn(other)).toEqual([kid, before]);
    expect(other.jwks()).toEqual(rotating.jwks());
    await expect(other.verify(fromRotated, { typ: 'JWT' })).resolves.toBeDefined();
    await expect(other.verify(oldToken, { typ: 'JWT' })).resolves.toBeDefined();
    await expect(rotating.verify(await other.sign(claims(), 'JWT'), { typ: 'JWT' })).resolves.toMatchObject({ protectedHeader: { kid } });
  });

  it('two instances rotating at once leave exactly one active key, with every earlier key retired and published', async () => {
    const { repository, started: [a, b] } = await instances(2);
    const first = a.activeKid;

    const [kidA, kidB] = await Promise.all([a.rotate(), b.rotate()]);
    await Promise.all([a.reload(), b.reload()]);

    const stored = await repository.listSummaries();
    expect(stored).toHaveLength(3);
    const active = stored.filter((k) => k.state === 'active').map((k) => k.kid);
    expect(active).toHaveLength(1);
    expect([kidA, kidB]).toContain(active[0]);
    expect(stored.filter((k) => k.state === 'retired').map((k) => k.kid).sort()).toEqual(
      [first, kidA, kidB].filter((kid) => kid !== active[0]).sort(),
    );
    expect(a.activeKid).toBe(active[0]);
    expect(b.activeKid).toBe(active[0]);
    expect(kidsIn(a).sort()).toEqual([first, kidA, kidB].sort());
  });
});
