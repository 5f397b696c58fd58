import { OAuthError } from '@tessera/contracts';
import { withParams } from './redirect-uri.rule';

/**
 * The token service renders no pages: an error that must not go to a partner (unknown client,
 * unregistered redirect_uri, a broken resume) is shown by the login UI's error page.
 */
export function errorPageUrl(loginUiUrl: string, error: OAuthError): string {
  return withParams(`${loginUiUrl}/error`, { error: error.error, error_description: error.errorDescription });
}
