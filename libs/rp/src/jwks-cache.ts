import type { CryptoKey } from 'jose';
import { readCacheFile, writeCacheFile } from './cache-file';
import { clamp, freshnessSeconds } from './cache-control';
import { checkJwksUri, discoverJwksUri } from './discovery';
import { RpError } from './errors';
import { RpEvent, safeEmitter } from './events';
import { httpGet } from './http-get';
import { importSigningKeys, RsaPublicJwk } from './jwks-keys';

/**
 * Tuning of the JWKS cache. Every default suits a partner of Tessera; all durations in seconds
 * unless the name says otherwise.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({
 *   issuer: 'https://id.example.com',
 *   audience: 'my-client-id',
 *   jwks: { cacheFile: '/var/lib/my-app/tessera-jwks.json', maxStaleSeconds: 7 * 86400 },
 * });
 * ```
 */
export interface JwksCacheOptions {
  /** Persist the last good JWKS here (atomic write: tmp + rename) and read it at start. */
  cacheFile?: string;
  /** Freshness when the response has no usable `Cache-Control: max-age`. Default 300. */
  defaultMaxAgeSeconds?: number;
  /** Lower clamp of max-age: `max-age=0`/`no-cache` means "revalidate soon", not on every request. Default 30, at least 1. */
  minMaxAgeSeconds?: number;
  /** Upper clamp of max-age. Default 86400. */
  maxMaxAgeSeconds?: number;
  /** Refresh this long before max-age ends (at most 20% of max-age). Default 60. */
  refreshMarginSeconds?: number;
  /** At most one refetch per this period for tokens whose kid is not in the set. Default 10. */
  unknownKidCooldownSeconds?: number;
  /** Keep serving the last good set this long past its max-age while the issuer fails. Default 86400. */
  maxStaleSeconds?: number;
  /** Deadline of each HTTP request, in milliseconds. Default 5000. */
  timeoutMs?: number;
}

/**
 * Counters since the cache was created, for metrics and benchmarks.
 *
 * @example
 * ```ts
 * const before = verifier.stats().networkRequests;
 * await verifier.verifyAccessToken(token);
 * assert.equal(verifier.stats().networkRequests, before); // warm: no network per verification
 * ```
 */
export interface VerifierStats {
  /** Every HTTP request made (discovery and JWKS). */
  networkRequests: number;
  /** JWKS responses with a new key set (200). */
  jwksFetches: number;
  /** JWKS responses 304 Not Modified. */
  jwksNotModified: number;
  /** Refresh attempts that failed (network, timeout, non-200/304 status, bad body, discovery). */
  jwksFailures: number;
  /** Refetches started because a token named a kid the set did not have. */
  unknownKidRefetches: number;
  /** With the `statusList` option: Status List Tokens fetched and verified. */
  statusListFetches?: number;
  /** With the `statusList` option: status list fetches that failed. */
  statusListFailures?: number;
}

/**
 * What {@link JwksCache} needs besides its tuning (the verifier passes its own issuer, fetch, clock
 * and listener).
 *
 * @example
 * ```ts
 * const settings: JwksCacheSettings = { issuer: 'https://id.example.com', maxStaleSeconds: 3600, onEvent: console.log };
 * const cache = new JwksCache(settings);
 * ```
 */
export interface JwksCacheSettings extends JwksCacheOptions {
  /** Exact issuer identifier; discovery is fetched from `${issuer}/.well-known/openid-configuration`. */
  issuer: string;
  /** Skip discovery and use this JWKS URL. */
  jwksUri?: string;
  fetch?: typeof globalThis.fetch;
  /** Epoch milliseconds; default `Date.now`. */
  now?: () => number;
  onEvent?: (event: RpEvent) => void;
}

interface KeySet {
  byKid: Map<string, CryptoKey>;
  jwks: RsaPublicJwk[];
  jwksUri: string;
  etag?: string;
  fetchedAt: number;
  maxAgeSeconds: number;
}

const MAX_JWKS_BYTES = 512 * 1024;
const MIN_TIMER_MS = 250;
const MAX_TIMER_MS = 2_147_483_647;
const MAX_BACKOFF_SECONDS = 30;

/**
 * The issuer's signing keys, kept fresh without making verifications wait: fetched from discovery's
 * `jwks_uri`, honouring `Cache-Control: max-age` and `ETag` (RFC 9111 §4.3: conditional refresh, a
 * 304 restarts the max-age), refreshed in the background before they go stale, refetched at most
 * once per cooldown for an unknown kid (one request shared by every caller waiting on it), and served
 * stale-if-error for `maxStaleSeconds` while the issuer is down (RFC 5861 §4). `createVerifier` makes
 * one; use it directly only to share keys between verifiers of one issuer.
 *
 * @example
 * ```ts
 * const cache = new JwksCache({ issuer: 'https://id.example.com', cacheFile: './data/jwks.json' });
 * await cache.warmUp();
 * const key = await cache.getKey(kid); // throws RpError ERR_TOKEN_KEY_UNKNOWN / ERR_JWKS_UNAVAILABLE
 * cache.close();
 * ```
 */
export class JwksCache {
  private readonly issuer: string;
  private readonly configuredJwksUri?: string;
  private readonly fetch: typeof globalThis.fetch;
  private readonly now: () => number;
  private readonly emit: (event: RpEvent) => void;
  private readonly cacheFile?: string;
  private readonly defaultMaxAgeSeconds: number;
  private readonly minMaxAgeSeconds: number;
  private readonly maxMaxAgeSeconds: number;
  private readonly refreshMarginSeconds: number;
  private readonly unknownKidCooldownMs: number;
  private readonly maxStaleMs: number;
  private readonly timeoutMs: number;
  private readonly closing = new AbortController();
  private readonly counters: VerifierStats = { networkRequests: 0, jwksFetches: 0, jwksNotModified: 0, jwksFailures: 0, unknownKidRefetches: 0 };

  private set?: KeySet;
  private jwksUri?: string;
  private starting?: Promise<void>;
  private started = false;
  private inFlight?: Promise<void>;
  private lastError?: string;
  private failures = 0;
  /** No network attempt before this (epoch ms): the backoff after a failure. */
  private retryNotBefore = 0;
  /** When the next background refresh is due (epoch ms). */
  private dueAt = Infinity;
  private lastUnknownKidRefetchAt = -Infinity;
  private timer?: NodeJS.Timeout;
  private closed = false;

  constructor(settings: JwksCacheSettings) {
    this.issuer = settings.issuer;
    if (settings.jwksUri !== undefined) {
      try {
        checkJwksUri(settings.jwksUri, settings.issuer);
      } catch (err) {
        throw new TypeError((err as Error).message);
      }
      this.configuredJwksUri = settings.jwksUri;
      this.jwksUri = settings.jwksUri;
    }
    const fetch = settings.fetch ?? globalThis.fetch;
    this.fetch = (input, init) => {
      this.counters.networkRequests++;
      return fetch(input, init);
    };
    this.now = settings.now ?? Date.now;
    this.emit = safeEmitter(settings.onEvent);
    if (settings.cacheFile !== undefined && (typeof settings.cacheFile !== 'string' || settings.cacheFile === '')) {
      throw new TypeError('jwks.cacheFile must be a file path');
    }
    this.cacheFile = settings.cacheFile;
    this.defaultMaxAgeSeconds = seconds(settings, 'defaultMaxAgeSeconds', 300, 0);
    this.minMaxAgeSeconds = seconds(settings, 'minMaxAgeSeconds', 30, 1);
    this.maxMaxAgeSeconds = seconds(settings, 'maxMaxAgeSeconds', 86_400, 1);
    if (this.minMaxAgeSeconds > this.maxMaxAgeSeconds) throw new TypeError('jwks.minMaxAgeSeconds must not exceed jwks.maxMaxAgeSeconds');
    this.refreshMarginSeconds = seconds(settings, 'refreshMarginSeconds', 60, 0);
    this.unknownKidCooldownMs = seconds(settings, 'unknownKidCooldownSeconds', 10, 0) * 1000;
    this.maxStaleMs = seconds(settings, 'maxStaleSeconds', 86_400, 0) * 1000;
    this.timeoutMs = seconds(settings, 'timeoutMs', 5000, 1);
  }

  /**
   * The verification key for `kid`. Synchronous once warm (no network, no await needed); otherwise
   * a promise that settles after the one shared fetch.
   */
  getKey(kid: string): CryptoKey | Promise<CryptoKey> {
    if (!this.started) return this.start().then(() => this.getKey(kid));
    const now = this.now();
    const set = this.set;
    if (set && now < this.usableUntil(set)) {
      if (now >= this.dueAt) this.refreshInBackground();
      return set.byKid.get(kid) ?? this.keyForUnknownKid(kid);
    }
    return this.keyWithoutUsableSet(kid);
  }

  /**
   * Resolves once keys are usable: from `cacheFile` when it is recent enough (then revalidated in the
   * background), else from the issuer now. Rejects with `ERR_JWKS_UNAVAILABLE` when neither works.
   */
  async warmUp(): Promise<void> {
    await this.start();
    if (this.usableSet()) {
      if (this.now() >= this.dueAt) this.refreshInBackground();
      return;
    }
    if (!this.closed) await this.refresh(); // no backoff: the caller asked for it now
    if (!this.usableSet()) {
      throw new RpError('ERR_JWKS_UNAVAILABLE', `the issuer's signing keys are not available${this.lastError ? ` (${this.lastError})` : ''}`);
    }
  }

  stats(): VerifierStats {
    return { ...this.counters };
  }

  /** Stops the background refresh and aborts a request in flight; keys in memory stay usable until they are too old. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.closing.abort();
  }

  private start(): Promise<void> {
    this.starting ??= this.loadCacheFile().finally(() => {
      this.started = true;
    });
    return this.starting;
  }

  private async keyForUnknownKid(kid: string): Promise<CryptoKey> {
    if (this.inFlight) {
      await this.inFlight;
      const key = this.usableSet()?.byKid.get(kid);
      if (key) return key;
    }
    const now = this.now();
    // The cooldown bounds what a stream of tokens with made-up kids can make us fetch; the backoff
    // keeps a down issuer from being asked on every such token.
    if (!this.closed && now - this.lastUnknownKidRefetchAt >= this.unknownKidCooldownMs && now >= this.retryNotBefore) {
      this.lastUnknownKidRefetchAt = now;
      this.counters.unknownKidRefetches++;
      await this.refresh();
      const key = this.usableSet()?.byKid.get(kid);
      if (key) return key;
    }
    if (!this.usableSet()) throw this.unavailable();
    throw new RpError('ERR_TOKEN_KEY_UNKNOWN', 'the token is signed with a key the issuer does not publish');
  }

  private async keyWithoutUsableSet(kid: string): Promise<CryptoKey> {
    if (this.inFlight) await this.inFlight;
    else if (!this.closed && this.now() >= this.retryNotBefore) await this.refresh();
    const set = this.usableSet();
    if (!set) throw this.unavailable();
    const key = set.byKid.get(kid);
    // The set was fetched just now: refetching for this kid would not find it either.
    if (!key) throw new RpError('ERR_TOKEN_KEY_UNKNOWN', 'the token is signed with a key the issuer does not publish');
    return key;
  }

  private unavailable(): RpError {
    return new RpError('ERR_JWKS_UNAVAILABLE', "the issuer's signing keys are not available");
  }

  private usableSet(now = this.now()): KeySet | undefined {
    const set = this.set;
    return set && now < this.usableUntil(set) ? set : undefined;
  }

  private usableUntil(set: KeySet): number {
    return set.fetchedAt + set.maxAgeSeconds * 1000 + this.maxStaleMs;
  }

  private refreshDueAt(set: KeySet): number {
    const margin = Math.min(this.refreshMarginSeconds, set.maxAgeSeconds * 0.2);
    return set.fetchedAt + (set.maxAgeSeconds - margin) * 1000;
  }

  private refreshInBackground(): void {
    if (!this.inFlight && !this.closed) void this.refresh();
  }

  /** One request at a time: every caller that needs fresh keys shares the same promise. Never rejects. */
  private refresh(): Promise<void> {
    this.inFlight ??= this.fetchKeys().finally(() => {
      this.inFlight = undefined;
      this.schedule();
    });
    return this.inFlight;
  }

  private async fetchKeys(): Promise<void> {
    const http = { fetch: this.fetch, timeoutMs: this.timeoutMs, signal: this.closing.signal };
    let event: RpEvent;
    try {
      this.jwksUri ??= await discoverJwksUri(this.issuer, http);
      const jwksUri = this.jwksUri;
      const previous = this.set;
      const etag = previous?.jwksUri === jwksUri ? previous.etag : undefined;
      const response = await httpGet(jwksUri, { ...http, maxBytes: MAX_JWKS_BYTES, headers: etag ? { 'if-none-match': etag } : {} });
      const now = this.now();
      const freshness = freshnessSeconds(response.headers.get('cache-control'), response.headers.get('age'));
      if (response.status === 304 && previous && etag) {
        // RFC 9111 §4.3.4: the 304's own Cache-Control, if any, replaces the stored one.
        const maxAgeSeconds = freshness === undefined ? previous.maxAgeSeconds : this.clampMaxAge(freshness);
        this.set = { ...previous, etag: response.headers.get('etag') ?? etag, fetchedAt: now, maxAgeSeconds };
        this.counters.jwksNotModified++;
        event = { type: 'jwks:not-modified' };
      } else if (response.status === 200) {
        const { byKid, jwks } = await importSigningKeys(parseJson(response.body)).catch((err: unknown) => {
          throw new Error(`${jwksUri}: ${(err as Error).message}`);
        });
        const maxAgeSeconds = this.clampMaxAge(freshness ?? this.defaultMaxAgeSeconds);
        this.set = { byKid, jwks, jwksUri, etag: response.headers.get('etag') ?? undefined, fetchedAt: now, maxAgeSeconds };
        this.counters.jwksFetches++;
        event = { type: 'jwks:refreshed', kids: jwks.map((jwk) => jwk.kid), maxAgeSeconds };
      } else {
        throw new Error(`${jwksUri}: HTTP ${response.status}`);
      }
    } catch (err) {
      if (!this.closed) this.recordFailure((err as Error).message);
      return;
    }
    this.failures = 0;
    this.retryNotBefore = 0;
    this.lastError = undefined;
    this.dueAt = this.refreshDueAt(this.set);
    await this.persist(this.set);
    this.emit(event); // after the write: a listener may rely on the file being current
  }

  private recordFailure(error: string): void {
    this.failures++;
    this.counters.jwksFailures++;
    this.lastError = error;
    const now = this.now();
    // Exponential backoff from 1 s, capped by the revalidation floor the operator chose (and 30 s).
    const capSeconds = clamp(this.minMaxAgeSeconds, 1, MAX_BACKOFF_SECONDS);
    this.retryNotBefore = now + Math.min(2 ** (this.failures - 1), capSeconds) * 1000;
    this.dueAt = this.retryNotBefore;
    const set = this.usableSet(now);
    if (set) this.emit({ type: 'jwks:stale', ageSeconds: ageSeconds(set, now), error });
    else this.emit({ type: 'jwks:error', error });
  }

  private clampMaxAge(value: number): number {
    return clamp(value, this.minMaxAgeSeconds, this.maxMaxAgeSeconds);
  }

  /** Background timer on the real clock; whether a refresh is due is decided by the injected one. */
  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closed || !Number.isFinite(this.dueAt)) return;
    const delay = clamp(this.dueAt - this.now(), MIN_TIMER_MS, MAX_TIMER_MS);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.closed || this.inFlight) return;
      if (this.now() >= this.dueAt) void this.refresh();
      else this.schedule();
    }, delay);
    this.timer.unref();
  }

  private async loadCacheFile(): Promise<void> {
    if (!this.cacheFile) return;
    const read = await readCacheFile(this.cacheFile);
    if (read.status === 'missing') return;
    if (read.status === 'invalid') return this.ignoreFile(read.reason);
    const file = read.value;
    if (file.issuer !== this.issuer) return this.ignoreFile('written for another issuer');
    if (this.configuredJwksUri !== undefined && file.jwksUri !== this.configuredJwksUri) return this.ignoreFile('written for another jwks_uri');
    const now = this.now();
    const candidate = { jwksUri: file.jwksUri, etag: file.etag, fetchedAt: Math.min(file.fetchedAt, now), maxAgeSeconds: this.clampMaxAge(file.maxAgeSeconds) };
    if (now >= this.usableUntil({ ...candidate, byKid: new Map(), jwks: [] })) return this.ignoreFile('older than max-age + maxStaleSeconds');
    let imported;
    try {
      imported = await importSigningKeys(file.jwks);
    } catch {
      return this.ignoreFile('no usable key');
    }
    this.set = { ...candidate, ...imported };
    // Keys from disk may be out of date: use them now, revalidate straight away in the background.
    this.dueAt = now;
    this.emit({ type: 'jwks:loaded-from-file', ageSeconds: ageSeconds(this.set, now) });
    this.schedule();
  }

  private ignoreFile(reason: string): void {
    this.emit({ type: 'jwks:file-ignored', reason });
  }

  private async persist(set: KeySet): Promise<void> {
    if (!this.cacheFile) return;
    try {
      await writeCacheFile(this.cacheFile, {
        version: 1,
        issuer: this.issuer,
        jwksUri: set.jwksUri,
        ...(set.etag === undefined ? {} : { etag: set.etag }),
        fetchedAt: set.fetchedAt,
        maxAgeSeconds: set.maxAgeSeconds,
        jwks: { keys: set.jwks },
      });
    } catch (err) {
      this.emit({ type: 'jwks:file-write-failed', error: (err as NodeJS.ErrnoException).code ?? (err as Error).message });
    }
  }
}

function ageSeconds(set: KeySet, now: number): number {
  return Math.max(0, Math.floor((now - set.fetchedAt) / 1000));
}

/** A body that is not JSON becomes a value `importSigningKeys` rejects ("not a JWK Set"). */
function parseJson(body: string | undefined): unknown {
  try {
    return JSON.parse(body ?? '');
  } catch {
    return undefined;
  }
}

function seconds(settings: JwksCacheOptions, name: keyof Omit<JwksCacheOptions, 'cacheFile'>, fallback: number, min: number): number {
  const value = settings[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new TypeError(`jwks.${name} must be a number of at least ${min}`);
  }
  return value;
}
