import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthFailure } from './auth-failure';
import { authenticate, settingsFrom, TokenRequirementOptions, TokenVerifier } from './request-auth';

/**
 * A Connect/Express middleware, typed on Node's own request and response so Express is not required.
 *
 * @example
 * ```ts
 * const guard: TokenMiddleware = requireToken(verifier);
 * http.createServer((req, res) => guard(req, res, (err) => (err ? fail(res) : serve(req, res))));
 * ```
 */
export type TokenMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * Express (or Connect, or plain `node:http`) middleware that lets a request through only with a
 * valid token from Tessera, verified offline. The token comes from `Authorization: Bearer`
 * (RFC 6750 §2.1) or, with `cookieName`, from the partner's own session cookie. On success the
 * token is on `tesseraAuth(req)`.
 *
 * Refusals follow RFC 6750 §3: 401 with a `WWW-Authenticate: Bearer` challenge and a JSON body
 * `{ error, error_description }` (`invalid_token`; no error attributes when no token was sent;
 * 400 `invalid_request` for an unreadable Bearer header). When the issuer's keys cannot be had
 * (ERR_JWKS_UNAVAILABLE) the answer is 503 with `Retry-After`: the token may well be good.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { createVerifier, requireToken, tesseraAuth } from '@tessera/rp';
 *
 * const verifier = createVerifier({ issuer: 'https://id.example.com', audience: 'my-client-id' });
 * const app = express();
 * app.get('/api/orders', requireToken(verifier, { cookieName: 'session_at' }), (req, res) => {
 *   res.json(listOrders(tesseraAuth(req)!.claims.sub));
 * });
 * ```
 */
export function requireToken(verifier: TokenVerifier, options: TokenRequirementOptions = {}): TokenMiddleware {
  const settings = settingsFrom(options);
  return (req, res, next) => {
    authenticate(verifier, req, settings).then(
      ({ failure }) => (failure ? send(res, failure) : next()),
      (err: unknown) => next(err),
    );
  };
}

function send(res: ServerResponse, failure: AuthFailure): void {
  res.statusCode = failure.status;
  for (const [name, value] of Object.entries(failure.headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  // RFC 6750 §5.4 / RFC 6749 §5.1: an answer about credentials is never cached.
  res.setHeader('Cache-Control', 'no-store');
  res.end(JSON.stringify(failure.body));
}
