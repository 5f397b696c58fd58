import { LoginError } from '@tessera/rp';

export interface ErrorPage {
  status: number;
  headline: string;
  detail: string;
  /** The OAuth error code (or the kit's code) shown for support; from a fixed vocabulary. */
  code?: string;
}

export const NOT_FOUND: ErrorPage = { status: 404, headline: 'Page not found', detail: 'There is no page at this address.' };
export const INTERNAL_ERROR: ErrorPage = { status: 500, headline: 'Something went wrong', detail: 'The demo could not complete the request. Try again.' };
export const FOREIGN_POST: ErrorPage = {
  status: 403,
  headline: 'Request refused',
  detail: 'This form was not sent from the partner demo\'s own page. Go back to the page and try again.',
};
export const KEYS_UNAVAILABLE: ErrorPage = {
  status: 503,
  headline: 'Your session cannot be checked right now',
  detail: 'The demo has no usable signing keys from Tessera and Tessera cannot be reached. Try again in a minute.',
};

// An OAuth error code is a short ASCII token (RFC 6749 §4.1.2.1); anything else is not shown.
const OAUTH_ERROR_CODE = /^[\x20-\x21\x23-\x5B\x5D-\x7E]{1,64}$/;

/** The page for a sign-in that did not complete. Never shows the provider's free text. */
export function loginErrorPage(err: LoginError): ErrorPage {
  const code = err.error !== undefined && OAUTH_ERROR_CODE.test(err.error) ? err.error : err.code;
  switch (err.code) {
    case 'ERR_LOGIN_PROVIDER':
      return err.error === 'access_denied'
        ? { status: 400, headline: 'Sign-in cancelled', detail: 'You did not allow the partner demo to use your Tessera account.', code }
        : { status: 400, headline: 'Tessera did not sign you in', detail: 'Tessera ended the sign-in with an error.', code };
    case 'ERR_LOGIN_STATE':
      return { status: 400, headline: 'This sign-in is not yours', detail: 'The answer from Tessera does not belong to the sign-in started in this browser. Start again from the home page.', code };
    case 'ERR_LOGIN_TRANSACTION':
      return { status: 400, headline: 'Your sign-in expired', detail: 'The sign-in took too long or was started in another browser. Start again from the home page.', code };
    case 'ERR_LOGIN_UNAVAILABLE':
      return { status: 503, headline: 'Tessera cannot be reached', detail: 'The demo could not reach Tessera to complete the sign-in. Try again in a minute.', code };
    case 'ERR_LOGIN_TOKEN':
      return { status: 400, headline: 'The sign-in could not be completed', detail: 'Tessera refused to exchange the sign-in for tokens. Start again from the home page.', code };
    default:
      return { status: 400, headline: 'The sign-in could not be completed', detail: 'The answer from Tessera did not pass the demo\'s checks. Start again from the home page.', code };
  }
}
