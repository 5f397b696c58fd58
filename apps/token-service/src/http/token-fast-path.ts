import type { LoggerService } from '@nestjs/common';
import { RateLimiter, rateLimitKey } from '@tessera/abuse';
import { AnsweredRequest, HSTS_VALUE, REQUEST_ID_HEADER, requestId, runWithRequestId } from '@tessera/operations';
import express, { Express, Request, RequestHandler, Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TokenEndpoint } from '../token/token-endpoint';
import { FORM_TYPE, formParams } from '../token/token.controller';
import { bodyFailureAnswer, bodyFailureOf } from './body-errors';
import { OAuthErrorAnswer, oauthErrorAnswer } from './oauth-json.filter';
import { tooManyRequestsAnswer } from './too-many-requests';

const TOKEN_ROUTE = '/oauth2/token';

export interface TokenFastPathOptions {
  /** The token endpoint's rules and grants: the same object the Nest route calls. */
  endpoint: Pick<TokenEndpoint, 'respond'>;
  /** The Express app the request would otherwise go to: `req.ip` honours its `trust proxy` setting. */
  app: Express;
  /** The app's form parser (express.urlencoded with the app's limits): a body parses, or fails, alike. */
  parseForm: RequestHandler;
  /** The app's per-address limit of this route (the same windows), when limits are on. */
  limiter?: RateLimiter;
  /** Send HSTS, as the app does on every response when the issuer is https. */
  hsts: boolean;
  /**
   * Told of each answer: the access line and request metrics (the access log's `answered`), and
   * the app's own counters. `req.body` holds the parsed form, as the app's parser leaves it.
   */
  answered(answer: AnsweredRequest, req: IncomingMessage & { body?: unknown }, res: ServerResponse): void;
  logger: Pick<LoggerService, 'warn' | 'error'>;
}

/**
 * Answers `POST /oauth2/token` with a form body on the public listener before Express and Nest see
 * it (issue 5): the framework's router, middleware chain and response helpers cost more than the
 * token itself. Everything a client can observe is what the Nest route gives: the same
 * TokenEndpoint, the same form parser with its limits and decompression, the same per-address rate
 * limit, RFC 6749 §5.2 errors rendered by the same functions (`no-store`, `WWW-Authenticate` on
 * invalid_client, `Retry-After`), the request id, the access line and the metrics.
 *
 * Returns false for anything else — another method or path (even one Express would route here, like
 * a trailing slash), another content type, no body — and the caller passes the request on to the
 * app, whose route answers it as before.
 */
export function tokenFastPath(options: TokenFastPathOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const always = ['X-Content-Type-Options', 'nosniff', ...(options.hsts ? ['Strict-Transport-Security', HSTS_VALUE] : [])];

  const send = (res: ServerResponse, id: string, status: number, headers: Record<string, string>, body: unknown): void => {
    const bytes = Buffer.from(JSON.stringify(body), 'utf8');
    const head = [...always, REQUEST_ID_HEADER, id];
    for (const name in headers) head.push(name, headers[name]);
    head.push('Content-Type', 'application/json; charset=utf-8', 'Content-Length', String(bytes.length));
    res.writeHead(status, head).end(bytes);
  };

  const answer = async (req: IncomingMessage, res: ServerResponse, id: string): Promise<number> => {
    const decision = options.limiter?.hit(rateLimitKey(expressIp(options.app, req)));
    if (decision && !decision.allowed) return refuse(tooManyRequestsAnswer(decision.retryAfterSeconds));
    let params: Record<string, unknown>;
    try {
      params = formParams(true, await parsed(options.parseForm, req, res));
    } catch (err) {
      const failure = bodyFailureOf(err, req);
      return refuse(failure ? bodyFailureAnswer(failure) : oauthErrorAnswer(err, options.logger));
    }
    try {
      const response = await options.endpoint.respond(req.headers.authorization, params);
      if (res.destroyed) return CLIENT_CLOSED;
      send(res, id, 200, NO_STORE, response);
      return 200;
    } catch (err) {
      return refuse(oauthErrorAnswer(err, options.logger));
    }

    function refuse(error: OAuthErrorAnswer): number {
      if (res.destroyed) return CLIENT_CLOSED;
      send(res, id, error.status, error.headers, error.body);
      return error.status;
    }
  };

  return (req, res) => {
    if (req.method !== 'POST' || pathOf(req.url) !== TOKEN_ROUTE || !expressIs(req, FORM_TYPE)) return false;
    const started = process.hrtime.bigint();
    const id = requestId(req.headers['x-request-id']);
    runWithRequestId(id, () => answer(req, res, id)).then((status) => {
      options.answered({ requestId: id, method: 'POST', route: TOKEN_ROUTE, status, durationSeconds: Number(process.hrtime.bigint() - started) / 1e9 }, req, res);
    }, (err: unknown) => {
      // Only a fault in the answering itself gets here; the connection is of no more use.
      options.logger.error(err instanceof Error ? err.stack : String(err));
      res.destroy();
    });
    return true;
  };
}

// RFC 6749 §5.1: a token response is never cached.
const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };
// nginx's "client closed request", as the access log names a request abandoned before its answer.
const CLIENT_CLOSED = 499;

function pathOf(url = ''): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * The parsed body, as the Express middleware leaves it in `req.body`. body-parser reads only what
 * node:http gives every request (the stream and its headers), not Express's additions.
 */
function parsed(parse: RequestHandler, req: IncomingMessage & { body?: unknown }, res: ServerResponse): Promise<unknown> {
  return new Promise((resolve, reject) => {
    parse(req as Request, res as Response, (err?: unknown) => (err ? reject(err) : resolve(req.body)));
  });
}

// Express's own `req.is` and `req.ip` (the app's `trust proxy`), called on a plain view of a request
// Express has not seen. Giving the request Express's prototype instead, as app.handle does, slows
// node:http's own later work on it: 0.1 ms of CPU per request, measured (issue 5).
const EXPRESS_IS = express.request.is;
const EXPRESS_IP = Object.getOwnPropertyDescriptor(express.request, 'ip')?.get;
if (!EXPRESS_IP) throw new Error('express.request has no ip getter: the token fast path cannot tell clients apart');

function expressIs(req: IncomingMessage, type: string): boolean {
  return Boolean(EXPRESS_IS.call({ headers: req.headers } as Request, type));
}

function expressIp(app: Express, req: IncomingMessage): string | undefined {
  return EXPRESS_IP!.call({ app, headers: req.headers, socket: req.socket }) as string | undefined;
}
