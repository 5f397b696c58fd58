import { Controller, Get, Inject, Logger, Post, Req, Res } from '@nestjs/common';
import { EndedSessions, type Login, type Verifier } from '@tessera/rp';
import type { Request, Response } from 'express';
import type { PartnerDemoConfig } from '../config/partner-demo.config';
import { isSameOriginRequest } from '../security/same-origin';
import { SessionCookies } from '../session/session-cookies';
import { verifySession } from '../session/signed-in-session';
import { LOGIN, PARTNER_DEMO_CONFIG, VERIFIER } from '../tokens';
import { FOREIGN_POST } from './error-page';
import { accessTokenRows, profileRows } from './profile';

/** When the token endpoint does not say how long the access token lives (it always does here). */
const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 300;

@Controller()
export class PagesController {
  private readonly logger = new Logger('PartnerDemo');

  constructor(
    @Inject(PARTNER_DEMO_CONFIG) private readonly config: PartnerDemoConfig,
    @Inject(LOGIN) private readonly login: Login,
    @Inject(VERIFIER) private readonly verifier: Verifier,
    private readonly cookies: SessionCookies,
    private readonly endedSessions: EndedSessions,
  ) {}

  @Get()
  home(@Res() res: Response): void {
    res.render('home', { title: 'Welcome' });
  }

  /** Starts the sign-in: the sealed transaction goes into a cookie, the browser to Tessera. */
  @Get('login')
  async loginGet(@Res() res: Response): Promise<void> {
    await this.startLogin(res);
  }

  @Post('login')
  async loginPost(@Res() res: Response): Promise<void> {
    await this.startLogin(res);
  }

  @Get('callback')
  async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    // Whatever the outcome, the transaction is spent: a second try starts over.
    this.cookies.clearTransaction(res);
    const transaction = this.cookies.transactionOf(req) ?? '';
    const result = await this.login.finish(new URL(req.originalUrl, this.config.publicUrl), transaction);
    const nowSeconds = Math.floor(Date.now() / 1000);
    const idTokenExp = typeof result.claims.exp === 'number' ? result.claims.exp : nowSeconds;
    this.cookies.setSession(res, {
      accessToken: result.accessToken,
      accessTokenTtlSeconds: result.expiresIn ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS,
      idToken: result.idToken,
      idTokenTtlSeconds: Math.max(0, idTokenExp - nowSeconds),
    });
    res.redirect(302, '/me');
  }

  /** The signed-in page: both tokens verified offline, and the session not ended at Tessera, on every request. */
  @Get('me')
  async me(@Req() req: Request, @Res() res: Response): Promise<void> {
    const { accessToken, idToken } = this.cookies.sessionOf(req);
    const session = await verifySession(this.verifier, this.endedSessions, { accessToken, idToken });
    if (session.kind === 'signed-out') {
      if (accessToken || idToken) {
        this.logger.log(`session cookies refused (${session.reason}); signed out`);
        this.cookies.clearSession(res);
      }
      res.redirect(302, '/');
      return;
    }
    const apiUrl = `${this.config.publicUrl}/api/me`;
    res.render('me', {
      title: 'Your account',
      name: session.id.claims.name ?? session.id.claims.preferred_username ?? session.id.claims.sub,
      profile: profileRows(session.id),
      access: accessTokenRows(session.access, Date.now()),
      accessToken: session.accessToken,
      apiUrl,
      curl: `curl -H "Authorization: Bearer ${session.accessToken}" ${apiUrl}`,
    });
  }

  /** Signs out here, then at Tessera (RP-Initiated Logout), which sends the browser back home. */
  @Post('logout')
  async logout(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (!isSameOriginRequest(req.headers, new URL(this.config.publicUrl).origin)) {
      res.status(FOREIGN_POST.status).render('error', { title: FOREIGN_POST.headline, page: FOREIGN_POST });
      return;
    }
    const { idToken } = this.cookies.sessionOf(req);
    this.cookies.clearSession(res);
    if (!idToken) {
      res.redirect(302, '/');
      return;
    }
    try {
      const url = await this.login.logoutUrl({ idToken, postLogoutRedirectUri: `${this.config.publicUrl}/` });
      res.redirect(302, url.href);
    } catch (err) {
      // Signed out here at least; Tessera's own session ends at its next sign-out or expiry.
      this.logger.warn(`could not send the browser to Tessera's logout: ${err instanceof Error ? err.message : String(err)}`);
      res.redirect(302, '/');
    }
  }

  private async startLogin(res: Response): Promise<void> {
    const { url, transaction } = await this.login.start();
    this.cookies.setTransaction(res, transaction);
    res.redirect(302, url.href);
  }
}
