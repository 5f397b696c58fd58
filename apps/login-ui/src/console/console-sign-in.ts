import { Inject, Injectable, Logger } from '@nestjs/common';
import { CONSOLE_CLIENT_ID, CONSOLE_SCOPE, consoleClientSecret, consoleUris } from '@tessera/contracts';
import { createLogin, Login, LoginError } from '@tessera/rp';
import type { Request, Response } from 'express';
import { decodeJwt } from 'jose';
import { adminAccess } from '../admin/admin-access.rule';
import { LOGIN_UI_CONFIG, LoginUiConfig } from '../config/login-ui.config';
import { issuerFetch } from '../token-service/issuer-fetch';
import { ConsoleSignInFailed } from './console-errors';
import { ConsoleSession, ConsoleSessions } from './console-session';

/**
 * The console signs in through Tessera like any partner (issue 7: the product proves its own
 * flow): the authorization code flow with PKCE, state and nonce (libs/rp createLogin) as the
 * first-party client `tessera-console` (token-service admin/console-client.ts), asking for
 * `openid profile tessera:admin`. Whether the person may use the console is read from the access
 * token's `scope` and `roles`, as the admin API itself decides.
 */
@Injectable()
export class ConsoleSignIn {
  private readonly logger = new Logger('ConsoleSignIn');
  private readonly login: Login;
  private readonly uris: { redirectUri: string; postLogoutRedirectUri: string };

  constructor(
    @Inject(LOGIN_UI_CONFIG) private readonly config: LoginUiConfig,
    @Inject(ConsoleSessions) private readonly sessions: ConsoleSessions,
  ) {
    this.uris = consoleUris(config.publicUrl);
    this.login = createLogin({
      issuer: config.issuer,
      clientId: CONSOLE_CLIENT_ID,
      clientSecret: consoleClientSecret(config.internalApiSecret),
      redirectUri: this.uris.redirectUri,
      scope: CONSOLE_SCOPE,
      secret: config.loginUiSecret,
      // Discovery and the token endpoint from this app's network; the browser is sent to ISSUER.
      fetch: issuerFetch(config),
      // Whether a plain-http issuer is acceptable was decided at start-up by the transport rule (ISSUER).
      allowInsecureHttp: true,
    });
  }

  /** Starts a sign-in that comes back to `returnTo` (a checked console path): the authorization URL to send the browser to. */
  async start(res: Response, returnTo: string): Promise<string> {
    let started: Awaited<ReturnType<Login['start']>>;
    try {
      started = await this.login.start();
    } catch (err) {
      throw this.failure(err);
    }
    await this.sessions.startSignIn(res, { transaction: started.transaction, returnTo });
    return started.url.href;
  }

  /** Completes the sign-in from the callback, keeps the session in its cookie, and answers where to go. */
  async finish(req: Request, res: Response): Promise<string> {
    const pending = await this.sessions.takeSignIn(req, res);
    if (!pending) throw new ConsoleSignInFailed(400, 'No sign-in to the console was in progress in this browser, or it took too long.');
    let result: Awaited<ReturnType<Login['finish']>>;
    try {
      result = await this.login.finish(new URL(req.originalUrl, this.config.publicUrl), pending.transaction);
    } catch (err) {
      throw this.failure(err);
    }
    await this.sessions.start(res, sessionFrom(result, Date.now()));
    return pending.returnTo;
  }

  /** Tessera's end-session URL (RP-Initiated Logout 1.0 §2), coming back to /admin/signed-out. */
  async logoutUrl(session: ConsoleSession): Promise<URL> {
    try {
      return await this.login.logoutUrl({ idToken: session.idToken, postLogoutRedirectUri: this.uris.postLogoutRedirectUri });
    } catch (err) {
      throw this.failure(err);
    }
  }

  private failure(err: unknown): ConsoleSignInFailed {
    if (!(err instanceof LoginError)) throw err;
    // The code and OAuth error only: LoginError messages never hold tokens, but keep the log terse.
    this.logger.warn(`console sign-in failed: ${err.code}${err.error ? ` (${err.error})` : ''}`);
    if (err.code === 'ERR_LOGIN_UNAVAILABLE') return new ConsoleSignInFailed(503, 'Tessera could not be reached to sign you in. Try again in a moment.');
    if (err.error === 'access_denied') return new ConsoleSignInFailed(403, 'The sign-in was cancelled or refused.');
    return new ConsoleSignInFailed(400, 'The sign-in could not be completed. It may have expired or been started in another tab.');
  }
}

/**
 * The session kept for the console. The access token is read without checking its signature: it
 * came straight from the token endpoint, over the back channel, in answer to this client's own
 * authenticated request (OIDC Core §3.1.3.7 lets TLS to the token endpoint stand in for a signature
 * check), and the admin API verifies it fully on every call. It ends when the token expires.
 */
export function sessionFrom(
  result: { accessToken: string; idToken: string; expiresIn: number | undefined; claims: { sub: string; name?: unknown; preferred_username?: unknown } },
  now: number,
): ConsoleSession {
  const access = decodeJwt(result.accessToken);
  const expiresAt = Math.min(
    typeof access.exp === 'number' ? access.exp * 1000 : Infinity,
    result.expiresIn === undefined ? Infinity : now + result.expiresIn * 1000,
  );
  const { sub, name, preferred_username: username } = result.claims;
  return {
    sub,
    name: typeof name === 'string' && name !== '' ? name : typeof username === 'string' && username !== '' ? username : sub,
    admin: typeof access.sub === 'string' && access.sub === sub && adminAccess({ ...access, sub: access.sub }).allowed,
    accessToken: result.accessToken,
    idToken: result.idToken,
    expiresAt: Number.isFinite(expiresAt) ? expiresAt : now,
  };
}
