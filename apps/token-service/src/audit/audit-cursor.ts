/** A cursor that is not one this server handed out (the admin API answers 400 invalid_request). */
export class InvalidAuditCursor extends Error {
  readonly code = 'ERR_AUDIT_CURSOR_INVALID';

  constructor() {
    super('cursor is not one returned by a previous page');
  }
}

/** Where a page of the newest-first audit list stopped: the last event's (at, id). */
export interface AuditCursor {
  at: number;
  id: string;
}

const DECODED = /^(\d{1,15})\.([0-9a-f]{32})$/;

/** Opaque to clients (admin-api.ts Page): base64url of `at.id`. */
export function encodeAuditCursor(cursor: AuditCursor): string {
  return Buffer.from(`${cursor.at}.${cursor.id}`, 'utf8').toString('base64url');
}

/** @throws InvalidAuditCursor for anything encodeAuditCursor did not produce. */
export function decodeAuditCursor(cursor: string): AuditCursor {
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(cursor)) throw new InvalidAuditCursor();
  const match = DECODED.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new InvalidAuditCursor();
  return { at: Number(match[1]), id: match[2] };
}
