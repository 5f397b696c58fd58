import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InvalidToken } from '@tessera/contracts';
import {
  calculateJwkThumbprint, CryptoKey, errors, exportJWK, generateKeyPair, importJWK, JWK, JWTHeaderParameters,
  JWTPayload, JWTVerifyGetKey, jwtVerify, SignJWT,
} from 'jose';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { TOKEN_SERVICE_CONFIG, TokenServiceConfig } from '../config/token-service.config';
import { decryptPrivateJwk, deriveKeyEncryptionKey, encryptPrivateJwk } from './key-encryption';
import { SigningKey } from './signing-key.entity';
import { SigningKeyRepository } from './signing-key.repository';

const ALG = 'RS256';
const RELOAD_INTERVAL_MS = 60_000;
const CLOCK_TOLERANCE_SECONDS = 30;

export interface VerifyOptions {
  typ: string;
  audience?: string;
  /** Accept a token that has expired but is otherwise valid (an `id_token_hint`). */
  allowExpired?: boolean;
}

interface LoadedKeys {
  active: { kid: string; privateKey: CryptoKey };
  publicKeys: Map<string, CryptoKey>;
  jwks: { body: string; etag: string };
}

/**
 * The issuer's RS256 keys: creates the first one, signs with the active one, verifies against every
 * published one, and serves the JWKS from memory. Other instances' keys appear within a minute.
 */
@Injectable()
export class SigningKeys implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SigningKeys.name);
  private readonly repository: SigningKeyRepository;
  private readonly encryptionKey: Uint8Array;
  private loaded?: LoadedKeys;
  private reloadTimer?: NodeJS.Timeout;
  private reloading: Promise<void> = Promise.resolve();

  constructor(
    @Inject(TOKEN_SERVICE_CONFIG) private readonly config: TokenServiceConfig,
    @Inject(DataSource) dataSource: DataSource,
  ) {
    this.repository = new SigningKeyRepository(dataSource);
    this.encryptionKey = deriveKeyEncryptionKey(config.keyEncryptionSecret);
  }

  async onModuleInit(): Promise<void> {
    if (!(await this.repository.hasActive())) await this.createFirstKey();
    await this.reload();
    this.reloadTimer = setInterval(() => {
      this.reload().catch((err: unknown) => this.logger.error(`reloading signing keys failed: ${(err as Error).message}`));
    }, RELOAD_INTERVAL_MS);
    this.reloadTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.reloadTimer);
  }

  get activeKid(): string {
    return this.keys().active.kid;
  }

  jwks(): { body: string; etag: string } {
    return this.keys().jwks;
  }

  /** Signs `payload` as given: the caller sets iss, aud, exp and the rest. */
  sign(payload: JWTPayload, typ: string): Promise<string> {
    const { active } = this.keys();
    return new SignJWT(payload).setProtectedHeader({ alg: ALG, kid: active.kid, typ }).sign(active.privateKey);
  }

  /** Verifies one of our own tokens; any failure is `InvalidToken` with a description that echoes nothing. */
  async verify(token: string, options: VerifyOptions): Promise<{ payload: JWTPayload; protectedHeader: JWTHeaderParameters }> {
    const verifyOptions = {
      algorithms: [ALG],
      issuer: this.config.issuer,
      typ: options.typ,
      audience: options.audience,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    };
    try {
      return await jwtVerify(token, this.keyLookup, verifyOptions);
    } catch (err) {
      if (!(err instanceof errors.JWTExpired)) throw new InvalidToken('the token is not valid');
      if (!options.allowExpired) throw new InvalidToken('the token has expired');
      // Check everything else again as of a moment before expiry, so "expired" is the only thing let through.
      const exp = err.payload.exp as number;
      const justBefore = new Date((exp - CLOCK_TOLERANCE_SECONDS) * 1000);
      try {
        return await jwtVerify(token, this.keyLookup, { ...verifyOptions, currentDate: justBefore });
      } catch {
        throw new InvalidToken('the token is not valid');
      }
    }
  }

  // Only our own keys, chosen by kid: jwk, jku, x5u and x5c headers are never consulted.
  private readonly keyLookup: JWTVerifyGetKey = (header) => {
    const key = header.alg === ALG && typeof header.kid === 'string' ? this.keys().publicKeys.get(header.kid) : undefined;
    if (!key) throw new errors.JWKSNoMatchingKey();
    return key;
  };

  private keys(): LoadedKeys {
    if (!this.loaded) throw new Error('signing keys are not loaded yet');
    return this.loaded;
  }

  private async createFirstKey(): Promise<void> {
    const key = await this.newKey(Date.now());
    if (await this.repository.insertIfNoneActive(key)) this.logger.log(`created signing key ${key.kid}`);
  }

  /**
   * Rotates now: a new key becomes the active one at once and the previous one stays in the JWKS as
   * `retired`, so tokens it signed keep verifying. This instance signs with the new key as soon as
   * this resolves; other instances pick it up on their next reload (within a minute, or `reload()`).
   *
   * Deliberately minimal: the new key signs before partners have had a chance to cache it, so their
   * first token under it costs each of them one unknown-kid JWKS refetch. The scheduled rotation of
   * issue 4 will publish the next key a cache lifetime before it signs (DESIGN.md, "Tokens and keys")
   * and drop retired keys once their tokens have expired.
   *
   * @returns the kid of the new active key.
   */
  async rotate(): Promise<string> {
    const now = Date.now();
    const key = await this.newKey(now);
    const retired = await this.repository.rotateTo(key, now);
    this.logger.log(`rotated signing keys: ${key.kid} is active, ${retired.join(', ') || 'no key'} retired`);
    await this.reload();
    return key.kid;
  }

  private async newKey(now: number): Promise<SigningKey> {
    const { publicKey, privateKey } = await generateKeyPair(ALG, { modulusLength: 2048, extractable: true });
    const { kty, n, e } = await exportJWK(publicKey);
    const publicJwk = { kty, n, e };
    const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
    return Object.assign(new SigningKey(), {
      kid,
      state: 'active',
      publicJwk: JSON.stringify(publicJwk),
      privateJwkEncrypted: await encryptPrivateJwk(await exportJWK(privateKey), kid, this.encryptionKey),
      createdAt: now,
      activatedAt: now,
      retiredAt: null,
    } satisfies Partial<SigningKey>);
  }

  /**
   * Reads the published keys from the database now, instead of at the next reload interval: how an
   * instance picks up a key that another one created or rotated in.
   */
  reload(): Promise<void> {
    // One at a time: a reload that read the table before a rotation must not finish after the
    // rotation's own reload and put the old active key back.
    const next = this.reloading.catch(() => undefined).then(() => this.readKeys());
    this.reloading = next;
    return next;
  }

  private async readKeys(): Promise<void> {
    const published = await this.repository.findPublished();
    const active = published.find((key) => key.state === 'active');
    if (!active) throw new Error('there is no active signing key');
    const previous = this.loaded;
    const publicKeys = new Map<string, CryptoKey>();
    const jwks: JWK[] = [];
    for (const key of [active, ...published.filter((k) => k !== active)]) {
      const { kty, n, e } = JSON.parse(key.publicJwk) as JWK;
      const jwk = { kty, n, e, kid: key.kid, alg: ALG, use: 'sig' };
      publicKeys.set(key.kid, previous?.publicKeys.get(key.kid) ?? (await importJWK(jwk, ALG)) as CryptoKey);
      jwks.push(jwk);
    }
    const privateKey = previous?.active.kid === active.kid
      ? previous.active.privateKey
      : (await importJWK(await decryptPrivateJwk(active.privateJwkEncrypted, active.kid, this.encryptionKey), ALG)) as CryptoKey;
    const body = JSON.stringify({ keys: jwks });
    this.loaded = {
      active: { kid: active.kid, privateKey },
      publicKeys,
      jwks: { body, etag: `"${createHash('sha256').update(body).digest('base64url')}"` },
    };
  }
}
