import { ArgumentsHost, Catch, ExceptionFilter, NotFoundException } from '@nestjs/common';
import type { Response } from 'express';

/**
 * The one answer for a path the token service does not serve, on either listener. The body never
 * echoes the URL: codes, tokens and `login_challenge`s travel in URLs, and a 404 that quoted them
 * would hand them to whatever logs or caches error bodies. Whether a path is unknown or belongs to
 * the other listener is not told apart, so the public port reveals nothing about internal routes.
 */
export function answerNotFound(res: Response): void {
  res.setHeader('Cache-Control', 'no-store');
  res.status(404).json({ error: 'not_found', error_description: 'no such endpoint' });
}

/**
 * Nest answers a request that matches no route by throwing `NotFoundException("Cannot GET /the/url")`
 * from its catch-all handler; as a global filter, this turns it into `answerNotFound`. Controllers'
 * own filters (OAuthJsonFilter, the authorize error page) come first for exceptions of their routes,
 * and domain code never throws Nest's HTTP exceptions, so what reaches here is the router's.
 *
 * @example
 * app.useGlobalFilters(new RouteNotFoundFilter()); // before app.init(), which installs the catch-all
 */
@Catch(NotFoundException)
export class RouteNotFoundFilter implements ExceptionFilter {
  catch(_exception: NotFoundException, host: ArgumentsHost): void {
    answerNotFound(host.switchToHttp().getResponse<Response>());
  }
}
