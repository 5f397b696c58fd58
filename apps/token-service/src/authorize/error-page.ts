import { Logger } from '@nestjs/common';
import { OAuthError, toOAuthError } from '@tessera/contracts';
import type { Response } from 'express';
import { databaseFailureAsOAuthError } from '../http/database-unavailable';
import { withParams } from './redirect-uri.rule';

/**
 * The token service renders no pages: an error that must not go to a partner (unknown client,
 * unregistered redirect_uri, a broken resume) is shown by the login UI's error page.
 */
export function errorPageUrl(loginUiUrl: string, error: OAuthError): string {
  return withParams(`${loginUiUrl}/error`, { error: error.error, error_description: error.errorDescription });
}

/** Sends the browser on with a redirect that no cache may keep. */
export function redirectBrowser(res: Response, location: string): void {
  res.setHeader('Cache-Control', 'no-store');
  res.redirect(302, location);
}

/**
 * A browser-facing endpoint failed: redirect to where `destination` says the error belongs. The
 * detail of anything that is not an OAuthError goes to the log only.
 */
export function redirectForError(res: Response, thrown: unknown, logger: Logger, destination: (error: OAuthError) => string): void {
  const err = databaseFailureAsOAuthError(thrown, logger);
  if (!(err instanceof OAuthError)) logger.error(err instanceof Error ? err.stack : String(err));
  redirectBrowser(res, destination(toOAuthError(err)));
}
