import type { NextFunction, Request, Response } from 'express';
import type { IncomingMessage } from 'node:http';
import type { OAuthErrorAnswer } from './oauth-json.filter';

/**
 * Express's body parsers fail before any route runs, and Express would answer with an HTML page.
 * An OAuth client gets the standard JSON error instead (RFC 6749 §5.2), and the detail (which may
 * quote the body) is not echoed.
 */
export function bodyErrorsAsOAuthJson(err: unknown, req: Request, res: Response, next: NextFunction): void {
  const failure = bodyFailureOf(err, req);
  if (!failure || res.headersSent) {
    next(err);
    return;
  }
  const answer = bodyFailureAnswer(failure);
  res.status(answer.status).setHeader('Cache-Control', answer.headers['Cache-Control']).json(answer.body);
}

/** The answer to a body the parser refused: `invalid_request`, 413 for a body too large, 400 otherwise. */
export function bodyFailureAnswer(failure: BodyFailure): OAuthErrorAnswer {
  return {
    status: failure === 'too_large' ? 413 : 400,
    headers: { 'Cache-Control': 'no-store' },
    body: { error: 'invalid_request', error_description: BODY_FAILURE_DESCRIPTIONS[failure] },
  };
}

export type BodyFailure = 'too_large' | 'unparseable' | 'unsupported_encoding' | 'not_decompressible';

export const BODY_FAILURE_DESCRIPTIONS: Record<BodyFailure, string> = {
  too_large: 'the request body is too large',
  unparseable: 'the request body could not be parsed',
  unsupported_encoding: 'the Content-Encoding of the request body is not supported',
  not_decompressible: 'the request body could not be decompressed',
};

/**
 * What went wrong with the body, or undefined for an error that is not the parsers'. body-parser
 * names its own errors with a `type` (`entity.too.large`, `entity.parse.failed`,
 * `encoding.unsupported`, …). A body that does not decompress is the one exception: the zlib error
 * (`Z_DATA_ERROR`, `Z_BUF_ERROR`, brotli's `ERR__ERROR_FORMAT_…`) is passed on with status 400 and
 * no type, so it is recognised by that shape on a request that declares a Content-Encoding.
 */
export function bodyFailureOf(err: unknown, req: Pick<IncomingMessage, 'headers'>): BodyFailure | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { type, status } = err as { type?: unknown; status?: unknown };
  if (type === 'entity.too.large' || type === 'parameters.too.many') return 'too_large';
  if (type === 'encoding.unsupported') return 'unsupported_encoding';
  if (typeof type === 'string') return 'unparseable';
  return status === 400 && isEncoded(req) ? 'not_decompressible' : undefined;
}

function isEncoded(req: Pick<IncomingMessage, 'headers'>): boolean {
  const encoding = req.headers['content-encoding']?.trim().toLowerCase();
  return encoding !== undefined && encoding !== '' && encoding !== 'identity';
}
