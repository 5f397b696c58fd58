import type { IncomingMessage } from 'node:http';
import { authenticate, settingsFrom, TokenRequirementOptions, TokenVerifier } from './request-auth';

/**
 * The part of Nest's `ExecutionContext` the guard uses. Declared here so that this kit does not
 * depend on `@nestjs/common`; Nest's own context fits it.
 *
 * @example
 * ```ts
 * const allowed = await new TesseraGuard(verifier).canActivate(context); // context: Nest's ExecutionContext
 * ```
 */
export interface HttpExecutionContext {
  switchToHttp(): { getRequest<T = unknown>(): T; getResponse<T = unknown>(): T };
}

/**
 * What `TesseraGuard` throws when it refuses a request. Nest's default exception filter answers
 * any error with `statusCode` and `message` with that status; a filter of your own can render
 * `error` / `error_description` (the RFC 6750 §3 body) instead and skip Nest's error log.
 *
 * @example
 * ```ts
 * @Catch(TesseraAuthError)
 * export class TesseraAuthFilter implements ExceptionFilter {
 *   catch(err: TesseraAuthError, host: ArgumentsHost) {
 *     host.switchToHttp().getResponse<Response>()
 *       .status(err.statusCode).json({ error: err.error, error_description: err.error_description });
 *   }
 * }
 * ```
 */
export class TesseraAuthError extends Error {
  /** 400 (unreadable Bearer header), 401 (no or invalid token) or 503 (keys unavailable). */
  readonly statusCode: 400 | 401 | 503;
  /** The OAuth error code: `invalid_token`, `invalid_request`, `unauthorized` or `temporarily_unavailable`. */
  readonly error: string;
  readonly error_description: string;
  /** The headers already set on the response (`WWW-Authenticate` or `Retry-After`). */
  readonly headers: Record<string, string>;

  constructor(statusCode: 400 | 401 | 503, body: { error: string; error_description: string }, headers: Record<string, string>) {
    super(body.error_description);
    this.name = 'TesseraAuthError';
    this.statusCode = statusCode;
    this.error = body.error;
    this.error_description = body.error_description;
    this.headers = headers;
  }
}

/**
 * A NestJS guard with the same token sources, checks and answers as `requireToken`: a Bearer
 * header or the partner's session cookie, verified offline; the result on `tesseraAuth(req)`.
 * On refusal it sets `WWW-Authenticate` (or `Retry-After`) on the response and throws a
 * `TesseraAuthError` carrying the status.
 *
 * @example
 * ```ts
 * import { Controller, Get, Req, UseGuards } from '@nestjs/common';
 * import { TesseraGuard, tesseraAuth } from '@tessera/rp';
 *
 * @Controller('api')
 * export class MeController {
 *   @Get('me')
 *   @UseGuards(new TesseraGuard(verifier, { cookieName: 'session_at' }))
 *   me(@Req() req: Request) {
 *     return { sub: tesseraAuth(req)!.claims.sub };
 *   }
 * }
 * ```
 */
export class TesseraGuard {
  private readonly settings: ReturnType<typeof settingsFrom>;

  constructor(private readonly verifier: TokenVerifier, options: TokenRequirementOptions = {}) {
    this.settings = settingsFrom(options);
  }

  async canActivate(context: HttpExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const { failure } = await authenticate(this.verifier, http.getRequest<IncomingMessage>(), this.settings);
    if (!failure) return true;
    const res = http.getResponse<HeaderSink>();
    for (const [name, value] of Object.entries(failure.headers)) setHeader(res, name, value);
    setHeader(res, 'Cache-Control', 'no-store');
    throw new TesseraAuthError(failure.status, failure.body, failure.headers);
  }
}

type HeaderSink = { setHeader?: (name: string, value: string) => unknown; header?: (name: string, value: string) => unknown };

// Express responses (and node:http ones) have setHeader; Fastify replies have header().
function setHeader(res: HeaderSink, name: string, value: string): void {
  if (typeof res.setHeader === 'function') res.setHeader(name, value);
  else if (typeof res.header === 'function') res.header(name, value);
}
