import type { AdminApiError } from '@tessera/contracts';
import type { Response } from 'express';

/**
 * An admin API answer other than a success, as contracts `AdminApiError` with its status and
 * headers (RFC 6750 §3 `WWW-Authenticate`, RFC 9110 `Retry-After`). Thrown by the guard and the
 * routes, rendered by AdminApiFilter.
 */
export class AdminRefusal extends Error {
  constructor(
    readonly status: number,
    readonly body: AdminApiError,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
    this.name = 'AdminRefusal';
  }

  static notFound(what: string): AdminRefusal {
    return new AdminRefusal(404, { error: 'not_found', message: `no such ${what}` });
  }

  static conflict(message: string): AdminRefusal {
    return new AdminRefusal(409, { error: 'conflict', message });
  }

  static unavailable(message: string, retryAfterSeconds: number): AdminRefusal {
    return new AdminRefusal(503, { error: 'unavailable', message }, { 'Retry-After': String(retryAfterSeconds) });
  }
}

/** Writes the refusal: its headers, its status and its JSON body. */
export function sendRefusal(res: Response, refusal: AdminRefusal): void {
  for (const [name, value] of Object.entries(refusal.headers)) res.setHeader(name, value);
  res.status(refusal.status).json(refusal.body);
}
