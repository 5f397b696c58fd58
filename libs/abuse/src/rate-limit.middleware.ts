import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rateLimitKey } from './client-address';
import { RateLimiter } from './rate-limiter';

export interface LimitRequestsOptions {
  /** Only these methods count (e.g. `['POST']`); every method when left out. */
  methods?: string[];
  /**
   * Writes the refusal, in the shape the route's clients expect (JSON error, HTML page). The status
   * 429 and `Retry-After` (RFC 6585 §4, RFC 9110 §10.2.3) are already set when it is called.
   */
  refuse(req: Request, res: Response, retryAfterSeconds: number): void;
}

/**
 * Express middleware that counts each request against `limiter` under the client's address, as
 * `req.ip` gives it: the peer's address, or the one a trusted proxy forwarded (Express `trust proxy`).
 * Mount it before the body parsers, so a refused request costs nothing more.
 *
 * @example
 * ```ts
 * app.use('/login', limitRequests(new RateLimiter({ limit: 20, windowSeconds: 60 }), {
 *   methods: ['POST'],
 *   refuse: (_req, res) => res.send('Too many attempts'),
 * }));
 * ```
 */
export function limitRequests(limiter: RateLimiter, options: LimitRequestsOptions): RequestHandler {
  const methods = options.methods?.map((m) => m.toUpperCase());
  return (req: Request, res: Response, next: NextFunction) => {
    if (methods && !methods.includes(req.method)) {
      next();
      return;
    }
    const decision = limiter.hit(rateLimitKey(req.ip));
    if (decision.allowed) {
      next();
      return;
    }
    res.status(429).setHeader('Retry-After', String(decision.retryAfterSeconds));
    options.refuse(req, res, decision.retryAfterSeconds);
  };
}
