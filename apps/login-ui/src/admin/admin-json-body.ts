import express, { NextFunction, Request, Response } from 'express';
import { AdminRefusal, sendRefusal } from './admin-refusal';

// The admin API's bodies are a few short fields.
const parseJson = express.json({ limit: '64kb', strict: true });

/**
 * Parses a JSON body on the admin API's routes, and answers a body that is not JSON, cannot be
 * parsed or is too large in the API's error shape, without quoting it. A form-encoded body is
 * refused rather than read as if it were JSON.
 */
export function adminJsonBody(req: Request, res: Response, next: NextFunction): void {
  const hasBody = req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0';
  if (!hasBody) {
    next();
    return;
  }
  if (!req.is('application/json')) {
    sendRefusal(res, new AdminRefusal(400, { error: 'invalid_request', message: 'the body must be JSON (Content-Type: application/json)' }));
    return;
  }
  parseJson(req, res, (err?: unknown) => {
    if (!err) {
      next();
      return;
    }
    const tooLarge = (err as { status?: unknown }).status === 413;
    sendRefusal(res, tooLarge
      ? new AdminRefusal(413, { error: 'too_large', message: 'the body is larger than 64 KB' })
      : new AdminRefusal(400, { error: 'invalid_request', message: 'the body is not valid JSON' }));
  });
}
