/** What the error page shows: a headline a person understands, and what to do next. */
export interface ErrorPage {
  status: number;
  headline: string;
  detail?: string;
  code?: string;
}

const HEADLINES: Record<string, string> = {
  access_denied: 'Access was denied',
  invalid_request: 'The request could not be understood',
  invalid_client: 'This site is not registered with Tessera',
  unauthorized_client: 'This site may not sign you in this way',
  invalid_scope: 'The site asked for more than it may',
  unsupported_response_type: 'The site asked for something Tessera does not offer',
  invalid_redirect_uri: 'The site gave an address Tessera does not know',
  login_required: 'You need to sign in',
  consent_required: 'Your permission is needed',
  interaction_required: 'Your action is needed',
  server_error: 'Something went wrong on our side',
  temporarily_unavailable: 'Tessera is busy right now',
};

const DETAIL_MAX = 300;

/** `/error?error=&error_description=`: the description is the partner's text, shown escaped and cut short. */
export function oauthErrorPage(error: unknown, description: unknown): ErrorPage {
  const code = typeof error === 'string' && /^[a-z_]{1,64}$/.test(error) ? error : undefined;
  const text = typeof description === 'string' ? description.trim() : '';
  return {
    // The issuer sends the browser here when its database is down: a 503 tells a monitor it is an outage, not a bad request.
    status: code === 'temporarily_unavailable' ? 503 : 400,
    headline: (code && HEADLINES[code]) ?? 'Something went wrong',
    detail: text ? (text.length > DETAIL_MAX ? `${text.slice(0, DETAIL_MAX)}…` : text) : undefined,
    code,
  };
}

export const EXPIRED_CHALLENGE: ErrorPage = {
  status: 410,
  headline: 'This link has expired',
  detail: 'This sign-in link has expired or was already used. Go back to the site you came from and start again.',
};

export const UNAVAILABLE: ErrorPage = {
  status: 503,
  headline: 'Tessera is temporarily unavailable',
  detail: 'We could not reach the sign-in service. Please try again in a moment.',
};

export const FORM_EXPIRED: ErrorPage = {
  status: 403,
  headline: 'This form has expired',
  detail: 'For your security the form could not be accepted. Go back, reload the page and try again.',
};

/** The user directory's database is down or a lock timed out: nothing the person did wrong. */
export const DATABASE_UNAVAILABLE: ErrorPage = {
  status: 503,
  headline: 'Tessera is temporarily unavailable',
  detail: 'Signing in is not possible right now. Please try again in a moment.',
};

export const BAD_REQUEST: ErrorPage = { status: 400, headline: 'The request could not be understood' };
export const NOT_FOUND: ErrorPage = { status: 404, headline: 'Page not found' };
export const INTERNAL_ERROR: ErrorPage = {
  status: 500,
  headline: 'Something went wrong on our side',
  detail: 'Please try again in a moment.',
};
