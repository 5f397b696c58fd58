import type { NextFunction, Request, Response } from 'express';

/**
 * Express's body parsers fail before any route runs, and Express would answer with an HTML page.
 * An OAuth client gets the standard JSON error instead (RFC 6749 §5.2), and the detail (which may
 * quote the body) is not echoed.
 */
export function bodyErrorsAsOAuthJson(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  const type = (err as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || res.headersSent) {
    next(err);
    return;
  }
  const tooLarge = type === 'entity.too.large' || type === 'parameters.too.many';
  res.status(tooLarge ? 413 : 400).setHeader('Cache-Control', 'no-store').json({
    error: 'invalid_request',
    error_description: tooLarge ? 'the request body is too large' : 'the request body could not be parsed',
  });
}
