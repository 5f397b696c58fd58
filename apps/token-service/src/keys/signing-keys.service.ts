import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { Clock } from '@tessera/abuse';
import { InvalidToken } from '@tessera/contracts';
import {
  calculateJwkThumbprint, CryptoKey, errors, exportJWK, generateKeyPair, importJWK, JWK, JWTHeaderParameters,
  JWTPayload, JWTVerifyGetKey, jwtVerify, SignJWT,
} from 'jose';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditLog } from '../audit/audit-log';
import { keyChangeEvents } from '../audit/key-events';
import { TOKEN_SERVICE_CONFIG, TokenServiceConfig } from '../config/token-service.config';
import { decryptPrivateJwk, deriveKeyEncryptionKey, encryptPrivateJwk } from './key-encryption';
import {
  ADVANCE_INTERVAL_SECONDS, dueChanges, hasChanges, jwksMaxAgeSeconds, KeyChanges, keySchedulePolicy, KeySchedulePolicy,
  nextKeyNow, RELOAD_INTERVAL_SECONDS, revocation, rotationNow, ScheduledKey,
} from './key-schedule';
import { RevokedSigningKey, SIGNING_KEY_REVOCATION_HOOK, SigningKeyRevocationHook } from './signing-key-revocation';
import { SigningKey } from './signing-key.entity';
import { KeyDecision, NeedsNewKeyMaterial, SigningKeyRepository } from './signing-key.repository';

const ALG = 'RS256';
const CLOCK_TOLERANCE_SECONDS = 30;
const KID = /^[A-Za-z0-9_-]{1,64}$/;

export interface VerifyOptions {
  typ: string;
  audience?: string;
  /** Accept a token that has expired but is otherwise valid (an `id_token_hint`). */
  allowExpired?: boolean;
}

interface Decided {
  changes: KeyChanges;
  /** The kid of the key the changes created, if they created one. */
  createdKid?: string;
}

interface LoadedKeys {
  active: { kid: string; privateKey: CryptoKey };
  publicKeys: Map<string, CryptoKey>;
  jwks: { body: string; etag: string };
  /** The published keys' schedule, for the JWKS max-age. */
  schedule: ScheduledKey[];
}

export interface NextKey {
  kid: string;
  /** Epoch milliseconds from which the scheduler makes it the active key. */
  activateAfter: number;
  /** False when a next key was already scheduled and is reported instead of a new one. */
  created: boolean;
}

export interface KeyRevocation {
  revoked: RevokedSigningKey;
  /** The key that signs from now on (unchanged unless the revoked key was the active one). */
  activeKid: string | undefined;
  /** Whether a revocation hook (the status list) was told about it. */
  hookCalled: boolean;
}

/**
 * The issuer's RS256 keys: signs with the active one, verifies against every published one, serves
 * the JWKS from memory, and advances the rotation schedule of key-schedule.ts.
 *
 * Every instance runs two timers. Every RELOAD_INTERVAL_SECONDS it re-reads the keys, so it starts
 * publishing a `next` key, and signing with a newly active one, at most that long after another
 * instance changed them; the schedule counts this lag both before a key signs (lead time) and after
 * it stops (retention), so no instance signs with a key that the others, and the partners who fetch
 * from them, do not yet publish. Every ADVANCE_INTERVAL_SECONDS (and at start) it applies the
 * transitions that are due, in a transaction serialised across instances by the repository, so
 * that exactly one instance performs each; it re-reads the keys at once when it changed them.
 */
@Injectable()
export class SigningKeys implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SigningKeys.name);
  private readonly repository: SigningKeyRepository;
  private readonly encryptionKey: Uint8Array;
  private readonly policy: KeySchedulePolicy;
  private readonly clock: Pick<Clock, 'now'>;
  private loaded?: LoadedKeys;
  private reloadTimer?: NodeJS.Timeout;
  private advanceTimer?: NodeJS.Timeout;
  private reloading: Promise<void> = Promise.resolve();
  private cacheControl?: { second: number; value: string };

  constructor(
    @Inject(TOKEN_SERVICE_CONFIG) private readonly config: TokenServiceConfig,
    @Inject(DataSource) dataSource: DataSource,
    @Optional() @Inject(Clock) clock?: Pick<Clock, 'now'>,
    @Optional() @Inject(SIGNING_KEY_REVOCATION_HOOK) private readonly revocationHook?: SigningKeyRevocationHook,
    @Optional() private readonly audit?: AuditLog,
  ) {
    this.repository = new SigningKeyRepository(dataSource);
    this.encryptionKey = deriveKeyEncryptionKey(config.keyEncryptionSecret);
    this.policy = keySchedulePolicy(config);
    this.clock = clock ?? new Clock();
  }

  async onModuleInit(): Promise<void> {
    // The first start creates the first key here; a restart catches up on what fell due meanwhile.
    await this.advance();
    await this.reload();
    this.reloadTimer = setInterval(() => {
      this.reload().catch((err: unknown) => this.logger.error(`reloading signing keys failed: ${(err as Error).message}`));
    }, RELOAD_INTERVAL_SECONDS * 1000);
    this.reloadTimer.unref();
    this.advanceTimer = setInterval(() => {
      this.advance().catch((err: unknown) => this.logger.error(`advancing the signing key schedule failed: ${(err as Error).message}`));
    }, ADVANCE_INTERVAL_SECONDS * 1000);
    this.advanceTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.reloadTimer);
    clearInterval(this.advanceTimer);
  }

  /** The schedule's durations (lead time, retention, …) as this instance computes them. */
  get schedulePolicy(): KeySchedulePolicy {
    return { ...this.policy };
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

  /**
   * Applies the transitions of the schedule that are due now (key-schedule.ts `dueChanges`); the
   * timer calls it, a test calls it after moving the clock. Answers what it changed: nothing when
   * another instance got there first.
   */
  async advance(): Promise<KeyChanges> {
    const decided = await this.decide((keys) => dueChanges(keys, this.clock.now(), this.policy));
    if (hasChanges(decided.changes)) await this.changed('advanced the signing key schedule', decided);
    return decided.changes;
  }

  /**
   * Rotates now: the `next` key (or, without one, a new key) becomes active at once and the active
   * one is retired, staying in the JWKS until its tokens have expired. This instance signs with the
   * new key as soon as this resolves; the others within a reload interval.
   *
   * A key that partners have not cached yet costs each of them one JWKS refetch on its unknown
   * `kid`, and a partner that refetches from an instance that has not re-read the keys yet refuses
   * that token: prefer `publishNextKey()`, which lets the schedule activate it after the lead time.
   *
   * @param actor who asked, for the audit trail: `cli`, or an administrator's sub.
   * @returns the kid of the new active key.
   */
  async rotate(actor = 'system'): Promise<string> {
    const decided = await this.decide((keys) => rotationNow(keys, this.clock.now(), this.policy));
    await this.changed('rotated signing keys now', decided, actor);
    return decided.createdKid ?? decided.changes.updates.find((u) => u.state === 'active')!.kid;
  }

  /**
   * Publishes a `next` key now (`keys:rotate`); the schedule activates it once the lead time has
   * passed. When one is already scheduled, answers that one. `actor` as for rotate().
   */
  async publishNextKey(actor = 'system'): Promise<NextKey> {
    const decided = await this.decide((keys) => nextKeyNow(keys, this.clock.now(), this.policy));
    const changes = decided.changes;
    if (hasChanges(changes)) await this.changed('published a next signing key', decided, actor);
    const next = (await this.repository.listSummaries()).find((k) => k.state === 'next');
    if (!next || next.activateAfter === null) throw new Error('no next signing key was scheduled');
    return { kid: next.kid, activateAfter: next.activateAfter, created: hasChanges(changes) };
  }

  /**
   * Emergency removal of a compromised key (`keys:revoke`): out of the JWKS and its private half
   * wiped at once; if it was signing, another key signs from now on. Then tells the revocation hook
   * (the status list) what the key signed. Revoking a revoked key again only repeats the hook, so an
   * operator can retry one that failed. `actor` as for rotate().
   */
  async revoke(kid: string, actor = 'system'): Promise<KeyRevocation> {
    if (!KID.test(kid)) throw new Error('a kid is 1 to 64 characters of A-Z, a-z, 0-9, - and _');
    const decided = await this.decide((keys) => revocation(keys, kid, this.clock.now(), this.policy));
    if (hasChanges(decided.changes)) await this.changed(`revoked signing key ${kid}`, decided, actor);
    const keys = await this.repository.listSummaries();
    const key = keys.find((k) => k.kid === kid)!;
    const stoppedAt = key.retiredAt ?? key.revokedAt!;
    const revoked: RevokedSigningKey = {
      kid,
      signedFrom: key.activatedAt,
      signedUntil: key.activatedAt === null ? null : stoppedAt + RELOAD_INTERVAL_SECONDS * 1000,
      revokedAt: key.revokedAt!,
    };
    if (this.revocationHook) await this.revocationHook.signingKeyRevoked(revoked);
    return { revoked, activeKid: keys.find((k) => k.state === 'active')?.kid, hookCalled: Boolean(this.revocationHook) };
  }

  /**
   * `Cache-Control` for the JWKS: `max-age` up to JWKS_MAX_AGE, shortened to the next scheduled
   * change of the published set (key-schedule.ts `jwksMaxAgeSeconds`). Cheap: recomputed at most
   * once a second.
   */
  jwksCacheControl(): string {
    const now = this.clock.now();
    const second = Math.floor(now / 1000);
    if (this.cacheControl?.second !== second) {
      this.cacheControl = { second, value: `public, max-age=${jwksMaxAgeSeconds(this.keys().schedule, now, this.policy)}` };
    }
    return this.cacheControl.value;
  }

  /** Runs a schedule rule under the repository's lock, generating key material only when the rule creates a key. */
  private async decide(rule: KeyDecision): Promise<Decided> {
    try {
      return { changes: await this.repository.change(rule) };
    } catch (err) {
      if (!(err instanceof NeedsNewKeyMaterial)) throw err;
    }
    const material = await this.newKeyMaterial();
    const changes = await this.repository.change(rule, material);
    return { changes, createdKid: changes.create ? material.kid : undefined };
  }

  private async changed(what: string, { changes, createdKid }: Decided, actor = 'system'): Promise<void> {
    const described = [
      ...(changes.create ? [`${createdKid} created as ${changes.create.state}`] : []),
      ...changes.updates.map((u) => `${u.kid} ${u.state}`),
    ];
    this.logger.log(`${what}: ${described.join(', ') || 'no change'}`);
    for (const event of keyChangeEvents(changes, createdKid, actor)) this.audit?.record(event);
    if (this.loaded) await this.reload();
  }

  private async newKeyMaterial(): Promise<SigningKey> {
    const { publicKey, privateKey } = await generateKeyPair(ALG, { modulusLength: 2048, extractable: true });
    const { kty, n, e } = await exportJWK(publicKey);
    const publicJwk = { kty, n, e };
    const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
    return Object.assign(new SigningKey(), {
      kid,
      state: 'next',
      publicJwk: JSON.stringify(publicJwk),
      privateJwkEncrypted: await encryptPrivateJwk(await exportJWK(privateKey), kid, this.encryptionKey),
      createdAt: 0,
      activatedAt: null,
      retiredAt: null,
      activateAfter: null,
      removeAfter: null,
      revokedAt: null,
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
    // The active key first, then the next one, then the retired ones: the order is informative only.
    const rank = { active: 0, next: 1, retired: 2 } as Record<string, number>;
    for (const key of [...published].sort((a, b) => rank[a.state] - rank[b.state])) {
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
      schedule: published.map(({ kid, state, createdAt, activatedAt, retiredAt, activateAfter, removeAfter, revokedAt }) => ({
        kid, state, createdAt, activatedAt, retiredAt, activateAfter, removeAfter, revokedAt,
      })),
    };
    this.cacheControl = undefined;
  }
}
