import type { AdminApiError } from '@tessera/contracts';

/** Nobody is signed in to the console: start a sign-in, then come back to `returnTo`. */
export class SignInRequired extends Error {
  constructor(readonly returnTo: string) { super('the console needs a signed-in administrator'); }
}

/** Signed in, but without the admin role or the tessera:admin scope: a 403 page that says so. */
export class NotAnAdmin extends Error {
  constructor(readonly person: string) { super('the signed-in person is not an administrator'); }
}

/** The admin API refused the session's token (401): it expired early or was revoked. Sign in again. */
export class ConsoleSessionEnded extends Error {
  constructor() { super('the admin API no longer accepts the console session'); }
}

/**
 * The admin API answered with an error (contracts AdminApiError), or could not be reached (503):
 * shown as a page with that status, or beside a form when it names refused `fields`.
 */
export class AdminApiPageError extends Error {
  constructor(readonly status: number, readonly body: AdminApiError) { super(body.message); }

  /** The refused fields by name (`fields[].path`), for a form to show next to its inputs. */
  fieldMessages(): Record<string, string> {
    return Object.fromEntries((this.body.fields ?? []).map((f) => [f.path, f.message]));
  }
}

/** The sign-in came back without success (refused, expired, tampered with, or Tessera unreachable). */
export class ConsoleSignInFailed extends Error {
  constructor(readonly status: number, readonly detail: string) { super(detail); }
}
