import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { GateFull } from '@tessera/abuse';
import type { Request, Response } from 'express';
import type { ErrorPage } from '../pages/error-page';

/**
 * The two ways a sign-in is refused before any password is looked at. Both speak of the network or
 * the service, never of an account: the account lockout, by contrast, is not announced at all (the
 * person sees the usual "Invalid username or password."), because only accounts that exist can be
 * locked and saying so would tell an attacker which ones do — Keycloak answers the same way.
 */
function tooManySignIns(retryAfterSeconds: number): ErrorPage {
  return {
    status: 429,
    headline: 'Too many sign-in attempts',
    detail: `Too many sign-in attempts came from your network. Please wait ${retryAfterSeconds} seconds and try again.`,
  };
}

const SIGN_IN_BUSY: ErrorPage = {
  status: 503,
  headline: 'Tessera is busy right now',
  detail: 'Too many people are signing in at this moment. Please try again in a few seconds.',
};

/** The per-IP limit on POST /login refused this one (429 and Retry-After are already set). */
export function renderTooManySignIns(_req: Request, res: Response, retryAfterSeconds: number): void {
  const page = tooManySignIns(retryAfterSeconds);
  res.render('error', { title: page.headline, page });
}

/** The argon2 gate and its queue are full: 503 with Retry-After (RFC 9110 §15.6.4), not an unbounded wait. */
@Catch(GateFull)
export class SignInBusyFilter implements ExceptionFilter {
  catch(err: GateFull, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    res.status(SIGN_IN_BUSY.status).setHeader('Retry-After', String(err.retryAfterSeconds));
    res.render('error', { title: SIGN_IN_BUSY.headline, page: SIGN_IN_BUSY });
  }
}
