import { Controller, Get, Header, Inject, Injectable, Req, UseFilters, UseGuards } from '@nestjs/common';
import { TesseraGuard, tesseraAuth, type Verifier } from '@tessera/rp';
import type { Request } from 'express';
import { SessionCookies } from '../session/session-cookies';
import { VERIFIER } from '../tokens';
import { ApiErrorFilter } from './api-error.filter';

/** The demo's API accepts its access token as a Bearer token, or the browser's session cookie. */
@Injectable()
export class AccessTokenGuard extends TesseraGuard {
  constructor(@Inject(VERIFIER) verifier: Verifier, @Inject(SessionCookies) cookies: SessionCookies) {
    super(verifier, { cookieName: cookies.names.accessToken, realm: 'partner-demo' });
  }
}

@Controller()
@UseFilters(ApiErrorFilter)
export class ApiController {
  /** Who the access token is for and what it allows: read from the verified token alone, no call to Tessera. */
  @Get('api/me')
  @UseGuards(AccessTokenGuard)
  @Header('Cache-Control', 'no-store')
  me(@Req() req: Request): Record<string, unknown> {
    const auth = tesseraAuth(req);
    if (!auth) throw new Error('the guard let a request through without a token'); // cannot happen: not optional
    const { sub, scope, client_id: clientId, exp, iat, iss, aud, auth_time: authTime } = auth.claims;
    return { sub, scope, client_id: clientId, exp, iat, iss, aud, auth_time: authTime, token_source: auth.source };
  }

  @Get('health')
  @Header('Cache-Control', 'no-store')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
