// Test support for the libs/rp specs: a tiny issuer (discovery + JWKS) on 127.0.0.1, and tokens
// signed with node:crypto so a test controls every byte of the header and payload.
import { createHmac, createPublicKey, generateKeyPairSync, KeyObject, constants, sign } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Public JWK with kid, as an issuer publishes it. */
  jwk: Record<string, unknown>;
}

export function makeKey(kid: string, modulusLength = 2048): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength });
  const { kty, n, e } = publicKey.export({ format: 'jwk' });
  return { kid, privateKey, publicKey, jwk: { kty, n, e, kid, use: 'sig', alg: 'RS256' } };
}

const b64 = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/** A compact JWS over exactly these header and payload (objects are JSON-encoded, strings used as is). */
export function signToken(
  header: Record<string, unknown>,
  payload: Record<string, unknown> | string,
  key: KeyObject | { hmacSecret: Buffer } | 'none',
): string {
  const input = `${b64(JSON.stringify(header))}.${b64(typeof payload === 'string' ? payload : JSON.stringify(payload))}`;
  if (key === 'none') return `${input}.`;
  if ('hmacSecret' in key) return `${input}.${createHmac('sha256', key.hmacSecret).update(input).digest('base64url')}`;
  const alg = String(header.alg);
  const hash = alg.endsWith('512') ? 'sha512' : alg.endsWith('384') ? 'sha384' : 'sha256';
  const signature = alg.startsWith('PS')
    ? sign(hash, Buffer.from(input), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 })
    : sign(hash, Buffer.from(input), key);
  return `${input}.${b64(signature)}`;
}

/** The public key's encodings an attacker might use as an HMAC secret (alg confusion). */
export function publicKeyEncodings(key: TestKey): Record<'pem' | 'spkiDer' | 'jwkJson', Buffer> {
  const publicKey = createPublicKey(key.privateKey);
  return {
    pem: Buffer.from(publicKey.export({ type: 'spki', format: 'pem' })),
    spkiDer: publicKey.export({ type: 'spki', format: 'der' }),
    jwkJson: Buffer.from(JSON.stringify(key.jwk)),
  };
}

export interface FakeIssuer {
  issuer: string;
  jwksUri: string;
  /** Requests received, by path. */
  requests: { discovery: number; jwks: number; other: number };
  /** If-None-Match values of the JWKS requests, in order (undefined when absent). */
  ifNoneMatch: Array<string | undefined>;
  /** What the JWKS endpoint answers; change it between requests. */
  jwks: { keys: unknown[] } | string;
  cacheControl?: string;
  etag?: string;
  /** Status of the JWKS endpoint (503 to play a failing issuer). */
  status: number;
  /** Extra headers of JWKS responses (e.g. `Age`). */
  headers: Record<string, string>;
  /** When set, JWKS responses wait for it: a test can hold the issuer "slow" mid-request. */
  gate?: Promise<void>;
  /** Overrides the `issuer` of the discovery document. */
  discoveryIssuer?: string;
  /** Resolves once the JWKS endpoint has received `count` requests in all. */
  jwksRequestsReach(count: number): Promise<void>;
  /** Stops listening and drops open connections: requests fail (connection refused or reset). */
  stop(): Promise<void>;
}

export async function startFakeIssuer(keys: TestKey[] = []): Promise<FakeIssuer> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const state: FakeIssuer = {
    issuer: base,
    jwksUri: `${base}/jwks`,
    requests: { discovery: 0, jwks: 0, other: 0 },
    ifNoneMatch: [],
    jwks: { keys: keys.map((key) => key.jwk) },
    cacheControl: 'public, max-age=600',
    status: 200,
    headers: {},
    jwksRequestsReach: (count) => new Promise((resolve) => {
      if (state.requests.jwks >= count) resolve();
      else waiters.push({ count, resolve });
    }),
    stop: () => stopServer(server),
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void handle(state, req, res);
    for (const waiter of waiters.filter((w) => state.requests.jwks >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  return state;
}

async function handle(state: FakeIssuer, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.url === '/.well-known/openid-configuration') {
    state.requests.discovery++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ issuer: state.discoveryIssuer ?? state.issuer, jwks_uri: state.jwksUri }));
    return;
  }
  if (req.url !== '/jwks') {
    state.requests.other++;
    res.statusCode = 404;
    res.end();
    return;
  }
  state.requests.jwks++;
  const ifNoneMatch = req.headers['if-none-match'];
  state.ifNoneMatch.push(ifNoneMatch);
  if (state.gate) await state.gate;
  if (res.destroyed) return;
  for (const [name, value] of Object.entries(state.headers)) res.setHeader(name, value);
  if (state.cacheControl !== undefined) res.setHeader('cache-control', state.cacheControl);
  if (state.etag !== undefined) res.setHeader('etag', state.etag);
  if (state.status !== 200) {
    res.statusCode = state.status;
    res.end('unavailable');
    return;
  }
  if (state.etag !== undefined && ifNoneMatch === state.etag) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.setHeader('content-type', 'application/json');
  res.end(typeof state.jwks === 'string' ? state.jwks : JSON.stringify(state.jwks));
}

function stopServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** A server that counts what it is asked and answers nothing useful: the attacker's `jku`/`x5u` host. */
export async function startCountingServer(): Promise<{ url: string; hits: () => number; stop(): Promise<void> }> {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits++;
    res.setHeader('content-type', 'application/json');
    res.end('{"keys":[]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits, stop: () => stopServer(server) };
}

/** Collects cache events and lets a test wait for the next one of a type. */
export class EventLog<E extends { type: string }> {
  readonly events: E[] = [];
  private waiters: Array<{ type: string; resolve: (event: E) => void }> = [];

  readonly listener = (event: E): void => {
    this.events.push(event);
    const ready = this.waiters.filter((waiter) => waiter.type === event.type);
    this.waiters = this.waiters.filter((waiter) => waiter.type !== event.type);
    for (const waiter of ready) waiter.resolve(event);
  };

  /** The next event of `type` from now on (events already logged do not count); fails after `timeoutMs`. */
  next<T extends E['type']>(type: T, timeoutMs = 5000): Promise<Extract<E, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${type}" event within ${timeoutMs} ms`)), timeoutMs);
      timer.unref();
      this.waiters.push({ type, resolve: (event) => { clearTimeout(timer); resolve(event as Extract<E, { type: T }>); } });
    });
  }

  ofType<T extends E['type']>(type: T): Array<Extract<E, { type: T }>> {
    return this.events.filter((event) => event.type === type) as Array<Extract<E, { type: T }>>;
  }
}
