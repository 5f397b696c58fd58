import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { JsonLogger } from './json-logger';
import type { MetricsRegistry } from './metrics-registry';
import { runWithRequestId } from './request-context';
import { requestId as chooseRequestId } from './request-id';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** Upper bounds in seconds: a JWKS hit is sub-millisecond, an argon2 sign-in tens of milliseconds. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface FinishedRequest {
  req: Request;
  res: Response;
  /** The route pattern that answered (`/internal/v1/login-requests/:challenge`), or `unmatched`. */
  route: string;
  status: number;
  durationSeconds: number;
}

export interface AccessLogOptions {
  /** Where the access line goes; `false` keeps the ids and metrics but writes no line. */
  logger: JsonLogger | false;
  /** Counts requests and their durations by method, route and status when given. */
  metrics?: MetricsRegistry;
  /** Called once per finished request, after the line is written: for app-specific counters. */
  onFinished?: (finished: FinishedRequest) => void;
}

/** A request answered before the app saw it (a precomputed document on the raw listener). */
export interface AnsweredRequest {
  requestId: string;
  method: string;
  /** The route pattern, as the app would have named it. */
  route: string;
  status: number;
  durationSeconds: number;
}

/** The middleware, plus a way to log and count what was answered without it. */
export interface AccessLog extends RequestHandler {
  /**
   * Writes the access line and counts the request exactly as the middleware would. `onFinished`
   * is not called: such a request never reached the app, so app-specific counters have nothing
   * to count in it.
   */
  answered(answer: AnsweredRequest): void;
}

/**
 * Gives each request an id (echoed as `X-Request-Id`), writes one access line when it ends and
 * counts it. The line holds the method, the route *pattern*, the status and the duration: never
 * the URL (codes and challenges travel in queries and paths), a header or a body.
 *
 * @example
 * ```ts
 * const log = accessLog({ logger, metrics: registry });
 * app.use(log);
 * // {"time":"…","level":"info","msg":"request","context":"Http","requestId":"…","method":"POST","route":"/oauth2/token","status":200,"durationMs":12.3}
 * log.answered({ requestId, method: 'GET', route: '/.well-known/jwks.json', status: 200, durationSeconds: 0.0001 });
 * ```
 */
export function accessLog(options: AccessLogOptions): AccessLog {
  const requests = options.metrics?.counter('tessera_http_requests_total', 'HTTP requests by method, route pattern and status');
  const durations = options.metrics?.histogram('tessera_http_request_duration_seconds', 'HTTP request duration by method and route pattern', DURATION_BUCKETS);
  const record = (requestId: string, method: string, route: string, status: number, durationSeconds: number) => {
    if (options.logger) {
      options.logger.event(status >= 500 ? 'error' : 'log', 'request', 'Http', {
        requestId,
        method,
        route,
        status,
        durationMs: Math.round(durationSeconds * 10_000) / 10,
      });
    }
    requests?.inc({ method, route, status: String(status) });
    durations?.observe({ method, route }, durationSeconds);
  };
  const middleware = (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const id = chooseRequestId(req.headers['x-request-id']);
    res.setHeader(REQUEST_ID_HEADER, id);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      const durationSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeOf(req);
      // A request the client abandoned before an answer was sent is logged as 499 (nginx's "client closed").
      const status = res.writableFinished || res.headersSent ? res.statusCode : 499;
      record(id, knownMethod(req.method), route, status, durationSeconds);
      options.onFinished?.({ req, res, route, status, durationSeconds });
    };
    res.once('finish', finish);
    res.once('close', finish);
    runWithRequestId(id, next);
  };
  return Object.assign(middleware, {
    answered: (answer: AnsweredRequest) => record(answer.requestId, knownMethod(answer.method), answer.route, answer.status, answer.durationSeconds),
  });
}

/**
 * The pattern of the route that answered. Express leaves `req.route` set once a route handled the
 * request; anything else (a 404, a static file, a refusal by a middleware) is one bounded label.
 */
export function routeOf(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof path === 'string') return `${req.baseUrl ?? ''}${path}`;
  return 'unmatched';
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Any other method string is the client's invention: one label for all, so labels stay bounded. */
function knownMethod(method: string): string {
  return METHODS.has(method) ? method : 'OTHER';
}
