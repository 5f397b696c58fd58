import { Inject, Injectable } from '@nestjs/common';
import { JWTPayload } from 'jose';
import { DataSource } from 'typeorm';
import { TOKEN_SERVICE_CONFIG, TokenServiceConfig } from '../config/token-service.config';
import { SigningKeys } from '../keys/signing-keys.service';
import { TokenGrantRepository } from '../token/token-grant.repository';
import { statusListClaim } from './status-bitstring';
import { GroupCommit } from './group-commit';
import { IndexBlock, NewTokenStatus, StatusListRepository } from './status-list.repository';

export const STATUS_LIST_TYP = 'statuslist+jwt';
/** 65,536 one-bit entries: 8 KiB before compression, a few dozen bytes while few are revoked. */
export const STATUS_LIST_SIZE = 65_536;
export const STATUS_LIST_BITS = 1;
/**
 * Each instance reserves indexes 256 at a time (one UPDATE) instead of one round trip per token, and
 * hands a block out for at most BLOCK_HOLD_MS. The reservation raises the list's expiry bound to
 * reservation time + hold + access token lifetime, so no token of the block outlives the bound the
 * list records, without a write per token to keep it. A quiet instance wastes the rest of its block:
 * the price is a new list a little sooner.
 */
export const STATUS_LIST_BLOCK = 256;
const BLOCK_HOLD_MS = 5 * 60_000;
/**
 * Token rows are written in groups (group-commit.ts): at most this many per INSERT (five parameters
 * each, far below either database's limit), and at most this many INSERTs at once.
 */
const RECORD_BATCH = 128;
const RECORDS_IN_FLIGHT = 2;
const LIST_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** Where an access token's status is: its `status` claim (draft-ietf-oauth-status-list §6.1). */
export interface StatusReference {
  listId: string;
  idx: number;
  uri: string;
}

export interface StatusListResponse {
  token: string;
  /** Seconds since the token was built: the response's `Age` (RFC 9111 §5.1). */
  ageSeconds: number;
  ttl: number;
}

interface BuiltList {
  token: string;
  builtAt: number;
}

/**
 * Token Status Lists: gives every access token its place in a list, sets the bits when tokens are
 * revoked, and builds the signed Status List Token that relying parties cache. The revoke* methods are
 * the single way to end tokens: RFC 7009, refresh-token reuse, code replay and logout call them, and so
 * can the key rotation's emergency revoke and later admin actions.
 */
@Injectable()
export class StatusLists {
  private readonly repository: StatusListRepository;
  private readonly rows: GroupCommit<NewTokenStatus>;
  private block?: IndexBlock & { next: number; usableUntil: number };
  private reserving?: Promise<void>;
  private currentListId?: string;
  private readonly built = new Map<string, { startedAt: number; built: Promise<BuiltList | null> }>();

  constructor(
    @Inject(TOKEN_SERVICE_CONFIG) private readonly config: TokenServiceConfig,
    private readonly keys: SigningKeys,
    private readonly grants: TokenGrantRepository,
    @Inject(DataSource) dataSource: DataSource,
  ) {
    this.repository = new StatusListRepository(dataSource);
    this.rows = new GroupCommit({ write: (rows) => this.repository.recordAll(rows), maxBatch: RECORD_BATCH, maxInFlight: RECORDS_IN_FLIGHT });
  }

  /** The URI of a list: `sub` of its Status List Token and `uri` in the tokens that point into it. */
  uriOf(listId: string): string {
    return `${this.config.issuer}/oauth2/status-lists/${listId}`;
  }

  /** The next free index, unique across every instance over this database. */
  async allocate(now: number): Promise<StatusReference> {
    for (;;) {
      const block = this.block;
      if (block && block.next < block.end && now < block.usableUntil) {
        const idx = block.next++;
        return { listId: block.listId, idx, uri: this.uriOf(block.listId) };
      }
      // One reservation at a time: callers that find the block empty together wait for the same one.
      await (this.reserving ??= this.reserve(now).finally(() => {
        this.reserving = undefined;
      }));
    }
  }

  /**
   * Remembers which token holds `idx`, so revoking its grant or key can find it; resolves once the
   * row is stored, and with the token already revoked when its grant was revoked while the token was
   * being made.
   */
  async record(reference: StatusReference, fields: { grantId: string | null; kid: string; expiresAt: number }, now: number): Promise<void> {
    await this.rows.add({ listId: reference.listId, idx: reference.idx, ...fields });
    if (fields.grantId === null) return;
    // Issue 4: a refresh (or code exchange) read its grant as active, then a revocation set the bits
    // of the rows that existed before ours was stored. Reading the grant again AFTER our row is
    // stored closes that gap, because revokeGrant marks the grant BEFORE it scans the rows: either
    // this read comes after the mark and sees it, or it comes before it, and then our row was stored
    // before the mark and so before the scan, which sets its bit. One of the two always sees the other.
    // The response still goes out, as it would have a moment earlier: the one request that won a
    // concurrent redemption gets its answer (RFC 6749 §4.1.2 refuses the repeated ones), and its
    // tokens are dead on arrival for every verifier, like the rest of the revoked grant.
    if (await this.grants.isActive(fields.grantId)) return;
    await this.repository.revokeIndex(reference.listId, reference.idx, now);
    this.built.clear();
  }

  /**
   * Ends a grant: its refresh tokens at once, its access tokens for every verifier within one ttl.
   * The grant first, then its rows: record() relies on that order.
   */
  async revokeGrant(grantId: string, now: number): Promise<void> {
    await this.grants.revoke(grantId, now);
    await this.repository.revokeGrants([grantId], now);
    this.built.clear();
  }

  /** Logout: every grant obtained through the SSO session that ends. */
  async revokeSessionGrants(sessionId: string, now: number): Promise<void> {
    await this.revokeGrants(await this.grants.activeIdsOfSession(sessionId), now);
  }

  /** Several grants at once (a session's, a deleted client's, a person's), each grant before the rows. */
  async revokeGrants(grantIds: string[], now: number): Promise<void> {
    for (const grantId of grantIds) await this.grants.revoke(grantId, now);
    await this.repository.revokeGrants(grantIds, now);
    if (grantIds.length > 0) this.built.clear();
  }

  /** A single access token by its `status` claim: a client's own token, which belongs to no grant. */
  async revokeAccessToken(claims: JWTPayload, now: number): Promise<void> {
    const reference = this.referenceIn(claims);
    if (!reference) return;
    await this.repository.revokeIndex(reference.listId, reference.idx, now);
    this.built.clear();
  }

  /** Whether a grantless access token was revoked on its own (a grant's tokens end with the grant). */
  async isRevoked(claims: JWTPayload): Promise<boolean> {
    const reference = this.referenceIn(claims);
    return reference ? this.repository.isRevoked(reference.listId, reference.idx) : false;
  }

  /** Emergency: every access token the key `kid` signed (the hook for `keys:revoke`). */
  async revokeSignedBy(kid: string, now: number): Promise<void> {
    await this.repository.revokeSignedBy(kid, now);
    this.built.clear();
  }

  /**
   * keys/signing-key-revocation.ts's SigningKeyRevocationHook, matched by shape: each token row
   * records its kid, so the time window is not needed.
   */
  signingKeyRevoked(key: { kid: string; revokedAt: number }): Promise<void> {
    return this.revokeSignedBy(key.kid, key.revokedAt);
  }

  /**
   * The Status List Token of `listId` (draft-ietf-oauth-status-list §5.1), or null for an unknown or
   * retired list. Built at most once per half ttl per instance; with the response's `Age`, a relying
   * party that honours max-age sees a revocation within one ttl of it.
   */
  async statusListToken(listId: string, now: number): Promise<StatusListResponse | null> {
    if (!LIST_ID.test(listId)) return null;
    const ttl = this.config.ttl.statusList;
    let entry = this.built.get(listId);
    // Decided synchronously, so concurrent requests for a stale list share one rebuild.
    if (!entry || now - entry.startedAt >= (ttl * 1000) / 2) {
      entry = { startedAt: now, built: this.build(listId, now) };
      this.built.set(listId, entry);
    }
    const current = entry;
    const built = await current.built.catch((err: unknown) => {
      if (this.built.get(listId) === current) this.built.delete(listId);
      throw err;
    });
    if (!built) {
      // Unknown ids are not remembered: a stream of made-up ids cannot grow this map.
      if (this.built.get(listId) === current) this.built.delete(listId);
      return null;
    }
    return { token: built.token, ageSeconds: Math.max(0, Math.floor((now - built.builtAt) / 1000)), ttl };
  }

  /** For the cleanup job: deletes lists retired before `now`. */
  deleteRetired(now: number): Promise<number> {
    return this.repository.deleteRetired(now);
  }

  private async build(listId: string, now: number): Promise<BuiltList | null> {
    const list = await this.repository.findList(listId);
    // Retired: full, and every token that could hold one of its indexes has expired.
    if (!list || (list.nextIndex >= list.size && list.maxExpiresAt < now)) return null;
    const revoked = await this.repository.revokedIndexes(listId);
    const iat = Math.floor(now / 1000);
    const ttl = this.config.ttl.statusList;
    const token = await this.keys.sign({
      iss: this.config.issuer,
      sub: this.uriOf(listId),
      iat,
      // §5.1: exp bounds the whole token; two ttl leave a relying party room to refresh in time.
      exp: iat + 2 * ttl,
      ttl,
      status_list: statusListClaim(list.size, list.bits as 1, revoked),
    }, STATUS_LIST_TYP);
    return { token, builtAt: now };
  }

  private async reserve(now: number): Promise<void> {
    const expiresBound = now + BLOCK_HOLD_MS + this.config.ttl.accessToken * 1000;
    for (let attempt = 0; attempt < 3; attempt++) {
      this.currentListId ??= await this.repository.openList({ size: STATUS_LIST_SIZE, bits: STATUS_LIST_BITS, blockSize: STATUS_LIST_BLOCK }, now);
      const block = await this.repository.reserveBlock(this.currentListId, STATUS_LIST_BLOCK, expiresBound);
      if (block) {
        this.block = { ...block, next: block.first, usableUntil: now + BLOCK_HOLD_MS };
        return;
      }
      this.currentListId = undefined; // full: another instance took its last block
    }
    throw new Error('could not reserve token status indexes');
  }

  private referenceIn(claims: JWTPayload): StatusReference | null {
    const statusList = (claims.status as { status_list?: { idx?: unknown; uri?: unknown } } | undefined)?.status_list;
    const idx = statusList?.idx;
    const uri = statusList?.uri;
    const prefix = `${this.config.issuer}/oauth2/status-lists/`;
    if (typeof idx !== 'number' || !Number.isInteger(idx) || idx < 0 || typeof uri !== 'string' || !uri.startsWith(prefix)) return null;
    const listId = uri.slice(prefix.length);
    return LIST_ID.test(listId) ? { listId, idx, uri } : null;
  }
}
