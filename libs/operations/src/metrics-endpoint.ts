import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MetricsRegistry, PROMETHEUS_CONTENT_TYPE } from './metrics-registry';

/**
 * Answers `GET /metrics` on a listener that is not public (the token service's internal one),
 * without going through the app's routes; returns false for any other request so the caller
 * passes it on. With a token, a scrape must carry `Authorization: Bearer <token>` (RFC 6750 §2.1).
 *
 * @example
 * ```ts
 * createServer((req, res) => { if (!serveMetrics(registry, req, res, token)) app(req, res); });
 * ```
 */
export function serveMetrics(registry: MetricsRegistry, req: IncomingMessage, res: ServerResponse, token?: string): boolean {
  const path = (req.url ?? '').split('?')[0];
  if (path !== '/metrics') return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
    return true;
  }
  if (token !== undefined && !hasBearer(req.headers.authorization, token)) {
    res.writeHead(401, { 'WWW-Authenticate': 'Bearer realm="metrics"', 'Content-Type': 'text/plain; charset=utf-8' }).end('unauthorized\n');
    return true;
  }
  registry.render().then(
    (body) => {
      res.writeHead(200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE, 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    },
    () => res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('metrics unavailable\n'),
  );
  return true;
}

function hasBearer(header: string | undefined, token: string): boolean {
  const match = /^Bearer ([^\s]+)$/i.exec(header ?? '');
  if (!match) return false;
  // Compare digests: equal lengths for timingSafeEqual, and no early exit on the first wrong byte.
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(match[1]), digest(token));
}


/**
 * A request listener for a listener of its own that serves nothing but `GET /metrics` (the login
 * UI's, which has no internal listener to share): every other path is a 404 that names nothing.
 *
 * @example
 * ```ts
 * await listen(createServer(metricsOnly(registry, token)), 3101, '127.0.0.1');
 * ```
 */
export function metricsOnly(registry: MetricsRegistry, token?: string): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (serveMetrics(registry, req, res, token)) return;
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
  };
}
