import { Controller, ExecutionContext, Get, Header, Inject, Injectable, Req, UseFilters, UseGuards } from '@nestjs/common';
import { EndedSessions, TesseraAuthError, TesseraGuard, tesseraAuth, type Verifier } from '@tessera/rp';
import type { Request, Response } from 'express';
import { SessionCookies } from '../session/session-cookies';
import { verifySession } from '../session/signed-in-session';
import { VERIFIER } from '../tokens';
import { ApiErrorFilter } from './api-error.filter';

const REALM = 'partner-demo';

/**
 * The demo's API accepts its access token as a Bearer token, or the browser's session cookies.
 * Through the cookies it is the browser's session that asks, so the whole session is checked, as
 * /me does: a session ended at Tessera (back-channel logout) is refused at once. A Bearer token
 * is refused when a logout ended every session of its subject; otherwise it is valid until it
 * expires (the access token carries no `sid`).
 */
@Injectable()
export class AccessTokenGuard extends TesseraGuard {
  constructor(
    @Inject(VERIFIER) private readonly tokens: Verifier,
    @Inject(SessionCookies) private readonly cookies: SessionCookies,
    @Inject(EndedSessions) private readonly endedSessions: EndedSessions,
  ) {
    super(tokens, { cookieName: cookies.names.accessToken, realm: REALM });
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    await super.canActivate(context);
    const req = context.switchToHttp().getRequest<Request>();
    const auth = tesseraAuth(req)!;
    const ended = auth.source === 'cookie'
      ? (await verifySession(this.tokens, this.endedSessions, this.cookies.sessionOf(req))).kind === 'signed-out'
      : this.endedSessions.isEnded(auth.claims);
    if (!ended) return true;
    // RFC 6750 §3.1: the token (or the session it belongs to) is no longer good.
    const body = { error: 'invalid_token', error_description: 'The session is no longer valid' };
    const headers = { 'WWW-Authenticate': `Bearer realm="${REALM}", error="invalid_token", error_description="${body.error_description}"` };
    context.switchToHttp().getResponse<Response>().set(headers);
    throw new TesseraAuthError(401, body, headers);
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
