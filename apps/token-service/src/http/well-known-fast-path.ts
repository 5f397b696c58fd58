import { HSTS_VALUE, AnsweredRequest, requestId, REQUEST_ID_HEADER } from '@tessera/operations';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { matchesEtag } from './conditional-get';

/** A document every client gets the same bytes of, until its source changes them. */
export interface StaticDocument {
  body: string;
  etag: string;
  cacheControl: string;
}

export interface WellKnownFastPathOptions {
  /** Exact path → the document now. Asked on every request, so a source may change (a key rotation). */
  documents: Record<string, () => StaticDocument>;
  /** Send HSTS, as the app does on every response when the issuer is https. */
  hsts: boolean;
  /** Told of each answer, for the access line and the request metrics the app would have written. */
  answered(answer: AnsweredRequest): void;
}

interface Prepared {
  source: StaticDocument;
  etag: string;
  bytes: Buffer;
  ok: string[];
  notModified: string[];
}

/**
 * Answers `GET`/`HEAD` of the well-known documents (JWKS, discovery) on the public listener before
 * Express and Nest see the request: they are what every relying party and every cache polls, and
 * the framework's routing and middleware cost several times the work of sending the bytes (issue 5
 * measured Express at a fifth of bare node:http). The bytes and headers are built once per
 * version of the document; per request there is only the request id, the `If-None-Match`
 * comparison and the access line.
 *
 * Returns false for anything else — another method, a path that is not exactly one of the
 * documents' (a trailing slash, another case, an encoded character) — and the caller passes the
 * request on to the app, whose routes still serve the same documents.
 *
 * @example
 * ```ts
 * const fastPath = wellKnownFastPath({ documents: { '/.well-known/jwks.json': () => jwks }, hsts: false, answered: log.answered });
 * createServer((req, res) => { if (!fastPath(req, res)) app(req, res); });
 * ```
 */
export function wellKnownFastPath(options: WellKnownFastPathOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const extra = options.hsts ? ['Strict-Transport-Security', HSTS_VALUE] : [];
  const routes = new Map(Object.entries(options.documents).map(([path, source]) => {
    let prepared: Prepared | undefined;
    const current = (): Prepared => {
      const doc = source();
      if (prepared && sameDocument(prepared.source, doc)) return prepared;
      const bytes = Buffer.from(doc.body, 'utf8');
      const common = ['Cache-Control', doc.cacheControl, 'ETag', doc.etag, 'X-Content-Type-Options', 'nosniff', ...extra];
      prepared = {
        source: doc,
        etag: doc.etag,
        bytes,
        ok: [...common, 'Content-Type', 'application/json', 'Content-Length', String(bytes.length)],
        notModified: common,
      };
      return prepared;
    };
    return [path, current] as const;
  }));

  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const current = routes.get(path);
    if (!current) return false;
    const started = process.hrtime.bigint();
    const id = requestId(req.headers['x-request-id']);
    const doc = current();
    // RFC 9110 §13.1.2: a cache revalidating with the current tag gets 304 and no body.
    const status = matchesEtag(req.headers['if-none-match'], doc.etag) ? 304 : 200;
    if (status === 304) {
      res.writeHead(304, [...doc.notModified, REQUEST_ID_HEADER, id]).end();
    } else {
      // Node sends no body for HEAD by itself; the headers are those of the GET (RFC 9110 §9.3.2).
      res.writeHead(200, [...doc.ok, REQUEST_ID_HEADER, id]).end(doc.bytes);
    }
    options.answered({ requestId: id, method: req.method, route: path, status, durationSeconds: Number(process.hrtime.bigint() - started) / 1e9 });
    return true;
  };
}

function sameDocument(a: StaticDocument, b: StaticDocument): boolean {
  return a === b || (a.body === b.body && a.etag === b.etag && a.cacheControl === b.cacheControl);
}
