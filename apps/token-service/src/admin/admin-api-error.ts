import { AdminApiError } from '@tessera/contracts';

type ErrorCode = AdminApiError['error'];
export type FieldProblem = { path: string; message: string };

const STATUS: Record<ErrorCode, number> = {
  invalid_request: 400, unauthorized: 401, forbidden: 403, not_found: 404, conflict: 409, too_large: 413,
  rate_limited: 429, unavailable: 503, server_error: 500,
};

/**
 * An answer of the admin API that is not a success, in the one shape of contracts `AdminApiError`.
 * Thrown by the admin routes, their guard and their input rules; rendered by admin-api.filter.ts.
 */
export class AdminApiException extends Error {
  readonly status: number;

  constructor(
    readonly error: ErrorCode,
    message: string,
    readonly extra: {
      fields?: FieldProblem[];
      /** RFC 6750 §3: the `WWW-Authenticate` challenge of a 401 or 403. */
      challenge?: string;
      retryAfterSeconds?: number;
    } = {},
  ) {
    super(message);
    this.status = STATUS[error];
  }

  toJSON(): AdminApiError {
    return { error: this.error, message: this.message, ...(this.extra.fields?.length ? { fields: this.extra.fields } : {}) };
  }
}

/** 400 with the refused fields. */
export function invalidRequest(fields: FieldProblem[], message = 'the request is not valid'): AdminApiException {
  return new AdminApiException('invalid_request', message, { fields });
}

export function notFound(what: string): AdminApiException {
  return new AdminApiException('not_found', `no such ${what}`);
}
