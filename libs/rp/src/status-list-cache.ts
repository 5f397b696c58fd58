import { decodeProtectedHeader, JWTPayload, jwtVerify } from 'jose';
import { inflateSync } from 'node:zlib';
import { clamp, freshnessSeconds } from './cache-control';
import type { ClaimCheck } from './claim-checks';
import { RpError } from './errors';
import { RpEvent, safeEmitter } from './events';
import { httpGet } from './http-get';
import { fromJoseError } from './jose-errors';
import type { JwksCache } from './jwks-cache';

/**
 * Whether and how a verifier checks an access token's `status` claim against the issuer's Token
 * Status List (draft-ietf-oauth-status-list). `strict`: refuse (`ERR_TOKEN_STATUS_UNAVAILABLE`) once
 * the cached list is older than its `ttl` and no fresh one can be fetched. `lenient`: keep using the
 * last good list up to `maxStaleSeconds` past its `ttl` (default 3600), like the JWKS cache does with keys.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({
 *   issuer: 'https://id.example.com',
 *   audience: 'my-client-id',
 *   statusList: { mode: 'lenient', maxStaleSeconds: 600 },
 * });
 * ```
 */
export interface StatusListOptions {
  mode: 'strict' | 'lenient';
  /** Lenient mode only: how long past its `ttl` a list may still be used while the issuer fails. Default 3600. */
  maxStaleSeconds?: number;
}

/** What {@link StatusListCache} needs besides its options (the verifier passes its own). */
export interface StatusListCacheSettings extends StatusListOptions {
  issuer: string;
  /** Status List Tokens are verified with the issuer's keys from this cache. */
  jwks: Pick<JwksCache, 'getKey'>;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
  clockToleranceSeconds?: number;
  onEvent?: (event: RpEvent) => void;
}

/** Counters since the cache was created. */
export interface StatusListStats {
  /** Every HTTP request made for a status list. */
  networkRequests: number;
  /** Status List Tokens fetched and verified. */
  statusListFetches: number;
  /** Fetches that failed (network, status, signature, format). */
  statusListFailures: number;
}

interface CachedList {
  bits: number;
  statuses: Buffer;
  fetchedAt: number;
  /** `ttl` of the token, bounded by the response's max-age. */
  freshForMs: number;
}

interface Slot {
  list?: CachedList;
  inFlight?: Promise<void>;
  failures: number;
  retryNotBefore: number;
  lastError?: string;
}

const STATUS_LIST_TYP = 'statuslist+jwt';
const MAX_LIST_TOKEN_BYTES = 1024 * 1024;
/** 32 M one-bit entries: more than any list Tessera makes; a bound on what a hostile body can inflate to. */
const MAX_INFLATED_BYTES = 4 * 1024 * 1024;
const DEFAULT_TTL_SECONDS = 300;
const MAX_TTL_SECONDS = 86_400;
const MAX_LISTS = 256;
const MAX_BACKOFF_SECONDS = 30;
const TIMEOUT_MS = 5000;

/**
 * The issuer's Token Status Lists, fetched by the URI an access token names (only under the issuer's
 * origin — a token never makes us fetch an arbitrary URL), verified with the issuer's keys (`typ`
 * statuslist+jwt, `iss`, `sub` equal to the URI; draft-ietf-oauth-status-list §8.3), cached for the
 * list's `ttl`, refreshed in the background before it runs out, one request per list shared by every
 * verification waiting on it. Once warm, checking a token costs no request and no await.
 * `createVerifier` makes one when given `statusList`.
 *
 * @example
 * ```ts
 * const lists = new StatusListCache({ issuer, jwks: jwksCache, mode: 'strict' });
 * await lists.check(claims); // throws RpError ERR_TOKEN_REVOKED / ERR_TOKEN_STATUS_UNAVAILABLE
 * lists.close();
 * ```
 */
export class StatusListCache {
  private readonly issuerOrigin: string;
  private readonly fetch: typeof globalThis.fetch;
  private readonly now: () => number;
  private readonly emit: (event: RpEvent) => void;
  private readonly staleMs: number;
  private readonly closing = new AbortController();
  private readonly slots = new Map<string, Slot>();
  private readonly counters: StatusListStats = { networkRequests: 0, statusListFetches: 0, statusListFailures: 0 };
  private closed = false;

  constructor(private readonly settings: StatusListCacheSettings) {
    if (settings.mode !== 'strict' && settings.mode !== 'lenient') throw new TypeError("statusList.mode must be 'strict' or 'lenient'");
    const maxStale = settings.maxStaleSeconds ?? 3600;
    if (typeof maxStale !== 'number' || !Number.isFinite(maxStale) || maxStale < 0) throw new TypeError('statusList.maxStaleSeconds must be a number of at least 0');
    this.staleMs = settings.mode === 'strict' ? 0 : maxStale * 1000;
    this.issuerOrigin = new URL(settings.issuer).origin;
    const fetch = settings.fetch ?? globalThis.fetch;
    this.fetch = (input, init) => {
      this.counters.networkRequests++;
      return fetch(input, init);
    };
    this.now = settings.now ?? Date.now;
    this.emit = safeEmitter(settings.onEvent);
  }

  /** The check the verifier runs after the signature: synchronous while the token's list is fresh. */
  readonly check: ClaimCheck = (claims) => {
    const reference = statusReference(claims);
    if (!reference) return;
    if (!this.underIssuer(reference.uri)) throw new RpError('ERR_TOKEN_CLAIMS', "the token's status list is not under the issuer");
    const slot = this.slotFor(reference.uri);
    const now = this.now();
    const list = this.usable(slot, now);
    if (list) {
      if (now >= list.fetchedAt + list.freshForMs * 0.8) this.refreshInBackground(reference.uri, slot);
      return readStatus(list, reference.idx);
    }
    return this.checkAfterFetch(reference.uri, slot, reference.idx);
  };

  stats(): StatusListStats {
    return { ...this.counters };
  }

  /** Aborts requests in flight; lists in memory stay usable until they are too old. */
  close(): void {
    this.closed = true;
    this.closing.abort();
  }

  private async checkAfterFetch(uri: string, slot: Slot, idx: number): Promise<void> {
    if (slot.inFlight) await slot.inFlight;
    else if (!this.closed && this.now() >= slot.retryNotBefore) await this.refresh(uri, slot);
    const list = this.usable(slot, this.now());
    if (!list) {
      throw new RpError('ERR_TOKEN_STATUS_UNAVAILABLE', `the token's status list is not available${slot.lastError ? ` (${slot.lastError})` : ''}`);
    }
    readStatus(list, idx);
  }

  private usable(slot: Slot, now: number): CachedList | undefined {
    const list = slot.list;
    return list && now < list.fetchedAt + list.freshForMs + this.staleMs ? list : undefined;
  }

  private underIssuer(uri: string): boolean {
    try {
      return new URL(uri).origin === this.issuerOrigin;
    } catch {
      return false;
    }
  }

  private slotFor(uri: string): Slot {
    let slot = this.slots.get(uri);
    if (!slot) {
      // Lists retire as their tokens expire: forget the oldest rather than grow without bound.
      if (this.slots.size >= MAX_LISTS) this.slots.delete(this.slots.keys().next().value as string);
      slot = { failures: 0, retryNotBefore: 0 };
      this.slots.set(uri, slot);
    }
    return slot;
  }

  private refreshInBackground(uri: string, slot: Slot): void {
    if (!slot.inFlight && !this.closed && this.now() >= slot.retryNotBefore) void this.refresh(uri, slot);
  }

  /** One request per list at a time, shared by every caller. Never rejects. */
  private refresh(uri: string, slot: Slot): Promise<void> {
    slot.inFlight ??= this.fetchList(uri, slot).finally(() => {
      slot.inFlight = undefined;
    });
    return slot.inFlight;
  }

  private async fetchList(uri: string, slot: Slot): Promise<void> {
    let list: CachedList;
    try {
      const response = await httpGet(uri, {
        fetch: this.fetch, timeoutMs: TIMEOUT_MS, maxBytes: MAX_LIST_TOKEN_BYTES, signal: this.closing.signal,
        headers: { accept: 'application/statuslist+jwt' },
      });
      if (response.status !== 200) throw new Error(`${uri}: HTTP ${response.status}`);
      const token = (response.body ?? '').trim();
      const payload = await this.verifyListToken(token, uri);
      const headerFreshness = freshnessSeconds(response.headers.get('cache-control'), response.headers.get('age'));
      list = { ...decodeStatusList(payload, uri), fetchedAt: this.now(), freshForMs: freshFor(payload.ttl, headerFreshness) * 1000 };
    } catch (err) {
      if (this.closed) return;
      slot.failures++;
      this.counters.statusListFailures++;
      slot.lastError = (err as Error).message;
      slot.retryNotBefore = this.now() + Math.min(2 ** (slot.failures - 1), MAX_BACKOFF_SECONDS) * 1000;
      const usable = this.usable(slot, this.now());
      this.emit(usable
        ? { type: 'status-list:stale', uri, ageSeconds: Math.floor((this.now() - usable.fetchedAt) / 1000), error: slot.lastError }
        : { type: 'status-list:error', uri, error: slot.lastError });
      return;
    }
    slot.list = list;
    slot.failures = 0;
    slot.retryNotBefore = 0;
    slot.lastError = undefined;
    this.counters.statusListFetches++;
    this.emit({ type: 'status-list:refreshed', uri, ttlSeconds: list.freshForMs / 1000 });
  }

  private async verifyListToken(token: string, uri: string): Promise<JWTPayload> {
    let kid: unknown;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw new Error(`${uri}: not a JWT`);
    }
    if (typeof kid !== 'string' || kid.length === 0) throw new Error(`${uri}: no kid`);
    try {
      const key = await this.settings.jwks.getKey(kid);
      const { payload } = await jwtVerify(token, key, {
        algorithms: ['RS256'],
        typ: STATUS_LIST_TYP,
        issuer: this.settings.issuer,
        // §8.3: the list must be the one the token pointed to, not another list of the same issuer.
        subject: uri,
        currentDate: new Date(this.now()),
        clockTolerance: this.settings.clockToleranceSeconds ?? 5,
        requiredClaims: ['sub', 'iat', 'status_list'],
      });
      return payload;
    } catch (err) {
      const mapped = err instanceof RpError ? err : fromJoseError(err);
      const code = mapped instanceof RpError ? mapped.code : 'unexpected error';
      throw new Error(`${uri}: the Status List Token is not valid (${code})`);
    }
  }
}

/** The `status.status_list` claim (§6.1); undefined when the token has no status; malformed is an error. */
function statusReference(claims: JWTPayload): { idx: number; uri: string } | undefined {
  if (claims.status === undefined) return undefined;
  const statusList = (claims.status as { status_list?: unknown } | null)?.status_list as { idx?: unknown; uri?: unknown } | undefined;
  const idx = statusList?.idx;
  const uri = statusList?.uri;
  if (typeof statusList !== 'object' || statusList === null || typeof idx !== 'number' || !Number.isSafeInteger(idx) || idx < 0 || typeof uri !== 'string') {
    throw new RpError('ERR_TOKEN_CLAIMS', 'the token has a malformed "status" claim');
  }
  return { idx, uri };
}

/** §4.1: the bits of entry `idx`, least significant first within each byte. 0 is VALID (§7.1). */
function readStatus(list: CachedList, idx: number): void {
  const position = idx * list.bits;
  const byte = position >> 3;
  if (byte >= list.statuses.length) throw new RpError('ERR_TOKEN_CLAIMS', "the token's status index is outside its status list");
  const status = (list.statuses[byte]! >> (position & 7)) & ((1 << list.bits) - 1);
  if (status !== 0) throw new RpError('ERR_TOKEN_REVOKED', 'the token has been revoked');
}

function decodeStatusList(payload: JWTPayload, uri: string): Pick<CachedList, 'bits' | 'statuses'> {
  const claim = payload.status_list as { bits?: unknown; lst?: unknown } | undefined;
  const bits = claim?.bits;
  const lst = claim?.lst;
  if (typeof claim !== 'object' || claim === null || ![1, 2, 4, 8].includes(bits as number) || typeof lst !== 'string' || !/^[A-Za-z0-9_-]*$/.test(lst)) {
    throw new Error(`${uri}: malformed "status_list" claim`);
  }
  try {
    // §4.1: DEFLATE in the ZLIB format (RFC 1950); bounded so a small body cannot inflate without limit.
    return { bits: bits as number, statuses: inflateSync(Buffer.from(lst, 'base64url'), { maxOutputLength: MAX_INFLATED_BYTES }) };
  } catch {
    throw new Error(`${uri}: "lst" is not a zlib-compressed status list`);
  }
}

/** The token's `ttl` (§5.1), never beyond what the HTTP response allows (max-age minus Age). */
function freshFor(ttl: unknown, headerFreshness: number | undefined): number {
  const fromToken = typeof ttl === 'number' && Number.isFinite(ttl) && ttl > 0 ? ttl : DEFAULT_TTL_SECONDS;
  const seconds = headerFreshness === undefined ? fromToken : Math.min(fromToken, headerFreshness);
  return clamp(seconds, 1, MAX_TTL_SECONDS);
}
