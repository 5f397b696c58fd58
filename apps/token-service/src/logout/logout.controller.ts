import { All, Controller, Get, Inject, Logger, Query, Req, Res } from '@nestjs/common';
import { OAuthError } from '@tessera/contracts';
import type { Request, Response } from 'express';
import { errorPageUrl, redirectBrowser, redirectForError } from '../authorize/error-page';
import { singleParam } from '../authorize/params';
import { TOKEN_SERVICE_CONFIG, TokenServiceConfig } from '../config/token-service.config';
import { BrowserCookies } from '../sessions/browser-cookies';
import { SsoSessionRepository } from '../sessions/sso-session.repository';
import { LogoutFlow } from './logout-flow.service';

@Controller('oauth2')
export class LogoutController {
  private readonly logger = new Logger('Logout');

  constructor(
    @Inject(TOKEN_SERVICE_CONFIG) private readonly config: TokenServiceConfig,
    private readonly logout: LogoutFlow,
    private readonly cookies: BrowserCookies,
    private readonly sessions: SsoSessionRepository,
  ) {}

  /** end_session_endpoint: GET and POST (RP-Initiated Logout §2). */
  @All('logout')
  async begin(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.status(405).setHeader('Allow', 'GET, POST').end();
      return;
    }
    await this.answer(res, async () => {
      const params = (req.method === 'POST' ? req.body : req.query) as Record<string, unknown>;
      const now = Date.now();
      const session = await this.sessions.findActiveByToken(this.cookies.ssoToken(req), now);
      return this.logout.begin(params, this.cookies.browserBinding(req, res), session, now);
    });
  }

  @Get('logout/complete')
  async complete(@Req() req: Request, @Res() res: Response, @Query() query: Record<string, unknown>): Promise<void> {
    await this.answer(res, async () => {
      const verifier = singleParam(query, 'logout_verifier');
      if (!verifier) throw new OAuthError('invalid_request', 'logout_verifier is required');
      const location = await this.logout.complete(verifier, this.cookies.existingBrowserBinding(req), Date.now());
      this.cookies.clearSso(res);
      return location;
    });
  }

  private async answer(res: Response, step: () => Promise<string>): Promise<void> {
    try {
      redirectBrowser(res, await step());
    } catch (err) {
      redirectForError(res, err, this.logger, (error) => errorPageUrl(this.config.loginUiUrl, error));
    }
  }
}
