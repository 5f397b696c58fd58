import { All, Controller, Get, Inject, Logger, Query, Req, Res } from '@nestjs/common';
import { InvalidRequest, OAuthError } from '@tessera/contracts';
import type { Request, Response } from 'express';
import { ClientRepository } from '../clients/client.repository';
import { TOKEN_SERVICE_CONFIG, TokenServiceConfig } from '../config/token-service.config';
import { FlowStep, SignInFlow } from '../flow/sign-in-flow.service';
import { BrowserCookies } from '../sessions/browser-cookies';
import { SsoSessionRepository } from '../sessions/sso-session.repository';
import { readClientAndRedirect, readState, validateAuthorizationRequest } from './authorization-request.rule';
import { errorPageUrl, redirectBrowser, redirectForError } from './error-page';
import { singleParam } from './params';
import { isRegisteredRedirectUri } from './redirect-uri.rule';

/** The authorization endpoint (RFC 6749 §3.1, OIDC Core §3.1.2) and the browser's way back into the flow. */
@Controller('oauth2')
export class AuthorizeController {
  private readonly logger = new Logger('Authorize');

  constructor(
    @Inject(TOKEN_SERVICE_CONFIG) private readonly config: TokenServiceConfig,
    private readonly clients: ClientRepository,
    private readonly flow: SignInFlow,
    private readonly cookies: BrowserCookies,
    private readonly sessions: SsoSessionRepository,
  ) {}

  // OIDC Core §3.1.2.1: the endpoint MUST support GET and POST.
  @All('authorize')
  async authorize(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.status(405).setHeader('Allow', 'GET, POST').end();
      return;
    }
    const params = (req.method === 'POST' ? req.body : req.query) as Record<string, unknown>;
    let trusted: { redirectUri: string; oauthState?: string } | undefined;
    try {
      const { clientId, redirectUri } = readClientAndRedirect(params);
      const client = await this.clients.findById(clientId);
      if (!client) throw new OAuthError('invalid_client', 'the client is unknown', 400);
      if (!isRegisteredRedirectUri(client.redirectUris, redirectUri)) {
        throw new InvalidRequest('redirect_uri is not registered for this client');
      }
      // From here on errors may be sent to the partner (RFC 6749 §4.1.2.1).
      trusted = { redirectUri, oauthState: readState(params) };
      const request = validateAuthorizationRequest(params, { ...client, redirectUri });
      const now = Date.now();
      const browser = this.cookies.browserBinding(req, res);
      const session = await this.sessions.findActiveByToken(this.cookies.ssoToken(req), now);
      this.go(res, await this.flow.begin(request, client, browser, session, now));
    } catch (err) {
      this.fail(res, err, trusted);
    }
  }

  /** The browser returns here from the login UI with a login or consent verifier. */
  @Get('authorize/resume')
  async resume(@Req() req: Request, @Res() res: Response, @Query() query: Record<string, unknown>): Promise<void> {
    try {
      const loginVerifier = singleParam(query, 'login_verifier');
      const consentVerifier = singleParam(query, 'consent_verifier');
      const browser = this.cookies.existingBrowserBinding(req);
      const now = Date.now();
      if (loginVerifier && !consentVerifier) {
        const step = await this.flow.resumeAfterLogin(loginVerifier, browser, now);
        // A new sign-in replaces whatever session this browser had.
        const previous = await this.sessions.findActiveByToken(this.cookies.ssoToken(req), now);
        if (previous) await this.sessions.end(previous.id, now);
        this.go(res, step);
      } else if (consentVerifier && !loginVerifier) {
        this.go(res, { location: await this.flow.resumeAfterConsent(consentVerifier, browser, now) });
      } else {
        throw new InvalidRequest('expected one login_verifier or consent_verifier');
      }
    } catch (err) {
      this.fail(res, err, undefined);
    }
  }

  private go(res: Response, step: FlowStep): void {
    if (step.startedSession) this.cookies.setSso(res, step.startedSession.token, step.startedSession.maxAgeSeconds);
    redirectBrowser(res, step.location);
  }

  private fail(res: Response, err: unknown, trusted: { redirectUri: string; oauthState?: string } | undefined): void {
    redirectForError(res, err, this.logger, (error) =>
      (trusted ? this.flow.errorRedirect(trusted, error) : errorPageUrl(this.config.loginUiUrl, error)));
  }
}
