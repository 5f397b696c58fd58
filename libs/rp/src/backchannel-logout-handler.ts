import type { IncomingMessage, ServerResponse } from 'node:http';
import { isRpError, RpErrorCode } from './errors';
import type { TokenMiddleware } from './express-middleware';
import type { LogoutReceiver } from './logout-receiver';
import { numberOption } from './number-option';

/**
 * Limits of the back-channel logout endpoint.
 *
 * @example
 * ```ts
 * app.post('/backchannel-logout', backChannelLogoutHandler(receiver, { maxBodyBytes: 8192 }));
 * ```
 */
export interface BackChannelLogoutHandlerOptions {
  /** Larger request bodies are refused unread. Default 16384 (a logout token is well under 8 KB), 256–1048576. */
  maxBodyBytes?: number;
  /** `Retry-After` seconds of the 503 sent when the issuer's keys cannot be had. Default 30. */
  retryAfterSeconds?: number;
  /**
   * Told of every refusal, for your logs: the status sent and why — the `RpError` code, or the
   * sentence sent for a malformed request. Never the token. A listener that throws is ignored.
   */
  onRefusal?: (refusal: { status: 400 | 405 | 503; reason: string }) => void;
}

const FORM = 'application/x-www-form-urlencoded';

type Answer = { status: 400 | 405 | 503; error: string; description: string; headers?: Record<string, string> };

class BadRequest extends Error {
  constructor(readonly answer: Answer) {
    super(answer.description);
  }
}

const invalid = (description: string, headers?: Record<string, string>): BadRequest =>
  new BadRequest({ status: 400, error: 'invalid_request', description, ...(headers ? { headers } : {}) });

/**
 * The back-channel logout URI of OpenID Connect Back-Channel Logout 1.0, as a Connect/Express
 * middleware typed on `node:http`. It reads the `application/x-www-form-urlencoded` body (§2.5;
 * bounded by `maxBodyBytes`, or the one an earlier body parser left on `req.body`), hands its single
 * `logout_token` to the receiver and answers as §2.8 says, always with `Cache-Control: no-store`:
 *
 * - 200, empty, once `onLogout` has ended the session(s);
 * - 400 `{"error":"invalid_request","error_description":…}` for a request or token that is not
 *   valid (wrong method: 405), replays included; the description is a fixed sentence;
 * - 503 with `Retry-After` when the issuer's keys cannot be had (the token may well be good, and
 *   the issuer retries);
 * - anything else (`onLogout` failing) goes to `next(err)`.
 *
 * The endpoint is called by the issuer, not a browser: it needs no CSRF or Origin check — the
 * signed token is the authentication.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { backChannelLogoutHandler, createLogoutReceiver, createVerifier, EndedSessions } from '@tessera/rp';
 *
 * const verifier = createVerifier({ issuer: 'https://id.example.com', audience: 'my-client-id' });
 * const endedSessions = new EndedSessions();
 * const receiver = createLogoutReceiver({ verifier, onLogout: (event) => endedSessions.end(event) });
 * const app = express();
 * app.post('/backchannel-logout', backChannelLogoutHandler(receiver));
 * ```
 */
export function backChannelLogoutHandler(receiver: LogoutReceiver, options: BackChannelLogoutHandlerOptions = {}): TokenMiddleware {
  if (typeof receiver?.receive !== 'function') throw new TypeError('receiver must come from createLogoutReceiver');
  const maxBodyBytes = numberOption(options.maxBodyBytes, 'maxBodyBytes', 16_384, 256, 1_048_576);
  const { retryAfterSeconds = 30, onRefusal } = options;
  if (!Number.isInteger(retryAfterSeconds) || retryAfterSeconds < 0) throw new TypeError('retryAfterSeconds must be a whole number ≥ 0');
  if (onRefusal !== undefined && typeof onRefusal !== 'function') throw new TypeError('onRefusal must be a function');
  const refuse = (res: ServerResponse, refusal: Answer, reason: string): void => {
    try {
      onRefusal?.({ status: refusal.status, reason });
    } catch {
      // the listener's own bug; the answer goes out regardless
    }
    answer(res, refusal);
  };

  return (req, res, next) => {
    logoutTokenOf(req, maxBodyBytes)
      .then((token) => receiver.receive(token))
      .then(
        () => answer(res),
        (err: unknown) => {
          if (err instanceof BadRequest) return refuse(res, err.answer, err.answer.description);
          if (!isRpError(err)) return next(err);
          return refuse(res, refusalFor(err.code, retryAfterSeconds), err.code);
        },
      )
      .catch(next);
  };
}

function refusalFor(code: RpErrorCode, retryAfterSeconds: number): Answer {
  switch (code) {
    case 'ERR_JWKS_UNAVAILABLE':
      return {
        status: 503,
        error: 'temporarily_unavailable',
        description: 'The logout token cannot be verified right now; try again later',
        headers: { 'Retry-After': String(retryAfterSeconds) },
      };
    case 'ERR_LOGOUT_TOKEN_REPLAYED':
      return { status: 400, error: 'invalid_request', description: 'The logout token was already received' };
    default:
      // The token's own faults; which check failed goes to onRefusal, not to the caller.
      return { status: 400, error: 'invalid_request', description: 'The logout token is not valid' };
  }
}

/** §2.5: a POST whose form body holds exactly one `logout_token`. */
async function logoutTokenOf(req: IncomingMessage, maxBodyBytes: number): Promise<string> {
  if (req.method !== 'POST') {
    throw new BadRequest({ status: 405, error: 'invalid_request', description: 'Use POST', headers: { Allow: 'POST' } });
  }
  const mediaType = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== FORM) throw invalid(`The body must be ${FORM}`);
  const form = await formOf(req, maxBodyBytes);
  const tokens = form.getAll('logout_token');
  if (tokens.length !== 1 || tokens[0] === '') throw invalid('The body must hold exactly one logout_token');
  return tokens[0]!;
}

async function formOf(req: IncomingMessage, maxBodyBytes: number): Promise<URLSearchParams> {
  // An earlier body parser (Express's urlencoded, Nest's default) has read the stream already.
  if (req.readableEnded) return parsedBody((req as IncomingMessage & { body?: unknown }).body);
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') throw invalid('The body must not be compressed');
  // A body announced too large is refused unread; the connection is closed rather than drained.
  const tooLarge = invalid(`The body is larger than ${maxBodyBytes} bytes`, { Connection: 'close' });
  if (Number(req.headers['content-length'] ?? 0) > maxBodyBytes) throw tooLarge;
  return new URLSearchParams(await bodyOf(req, maxBodyBytes, tooLarge));
}

/**
 * The body as text, refused once it passes `maxBodyBytes`. The stream is left alone (not destroyed,
 * which would take the socket and the answer with it); `Connection: close` ends it after the answer.
 */
function bodyOf(req: IncomingMessage, maxBodyBytes: number, tooLarge: BadRequest): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData).off('end', onEnd);
      reject(tooLarge);
    };
    const onEnd = () => resolve(Buffer.concat(chunks).toString('utf8'));
    req.on('data', onData).on('end', onEnd).once('error', reject);
  });
}

/** What a urlencoded parser left: only string values count (an extended parser may leave arrays or objects). */
function parsedBody(body: unknown): URLSearchParams {
  const form = new URLSearchParams();
  if (typeof body !== 'object' || body === null) return form;
  for (const [name, value] of Object.entries(body)) {
    for (const item of Array.isArray(value) ? value : [value]) if (typeof item === 'string') form.append(name, item);
  }
  return form;
}

/** 200 and nothing else when there is no refusal; otherwise the refusal as OAuth-style JSON (§2.8). */
function answer(res: ServerResponse, refusal?: Answer): void {
  res.statusCode = refusal?.status ?? 200;
  // §2.8: the response must not be cached.
  res.setHeader('Cache-Control', 'no-store');
  for (const [name, value] of Object.entries(refusal?.headers ?? {})) res.setHeader(name, value);
  if (!refusal) {
    res.end();
    return;
  }
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ error: refusal.error, error_description: refusal.description }));
}
