import { Inject, Injectable } from '@nestjs/common';
import { cookieName } from '@tessera/operations';
import type { CookieOptions, Request, Response } from 'express';
import { EncryptJWT, jwtDecrypt } from 'jose';
import { hkdfSync } from 'node:crypto';
import { LOGIN_UI_CONFIG, LoginUiConfig } from '../config/login-ui.config';

/** The administrator signed in to the console, as kept in their sealed cookie. */
export interface ConsoleSession {
  /** The person's `sub`. */
  sub: string;
  /** What the console calls them: their name, else their username, else their sub. */
  name: string;
  /** Their access token carries `tessera:admin` and the admin role (admin/admin-access.rule.ts). */
  admin: boolean;
  /** For the admin API (Bearer). */
  accessToken: string;
  /** For RP-initiated logout (`id_token_hint`). */
  idToken: string;
  /** Epoch ms: when the access token expires, and with it this session. */
  expiresAt: number;
}

/** A sign-in in progress: openid-client's sealed transaction, and the console page to return to. */
export interface PendingSignIn {
  transaction: string;
  returnTo: string;
}

/** A one-time message for the next page (the Post/Redirect/Get pattern's "done"). */
export interface Flash {
  kind: 'success' | 'error';
  text: string;
}

const SESSION = Symbol('tessera.console.session');

/** Keeps the session ConsoleAuthGuard read on the request, for the route and the page layout. */
export function attachConsoleSession(req: Request, session: ConsoleSession): void {
  (req as Request & { [SESSION]?: ConsoleSession })[SESSION] = session;
}

/** The session ConsoleAuthGuard read for this request, if any (error pages render without one). */
export function consoleSessionOf(req: Request): ConsoleSession | undefined {
  return (req as Request & { [SESSION]?: ConsoleSession })[SESSION];
}

export const SESSION_COOKIE = 'tessera_console';
export const SIGN_IN_COOKIE = 'tessera_console_signin';
export const FLASH_COOKIE = 'tessera_console_flash';
const SIGN_IN_TTL_SECONDS = 600;
const FLASH_TTL_SECONDS = 60;
// Browsers drop a cookie above 4096 bytes; a session that would not fit must fail loudly, not vanish.
const MAX_COOKIE_BYTES = 4000;
const CONSOLE_PATH = '/admin';
type Purpose = 'session' | 'sign-in' | 'flash';

/**
 * The console's cookies: the session, the sign-in in progress, and the flash message, each sealed
 * (JWE `dir` + A256GCM under a key derived from LOGIN_UI_SECRET, the purpose as `aud`, so one cannot
 * stand in for another), HttpOnly, SameSite=Lax. Over plain http they are sent to /admin only; over
 * https they are `__Host-` cookies, which must have Path=/ (RFC 6265bis §4.1.3.2), like the login UI's
 * others. No refresh token is kept: the session ends with the access token, and signing in again
 * through Tessera's SSO session needs no password.
 */
@Injectable()
export class ConsoleSessions {
  private readonly key: Uint8Array;
  private readonly names: Record<Purpose, string>;
  private readonly path: string;
  /** Epoch ms; a test moves it. */
  now: () => number = () => Date.now();

  constructor(@Inject(LOGIN_UI_CONFIG) private readonly config: Pick<LoginUiConfig, 'loginUiSecret' | 'secureCookies'>) {
    this.key = new Uint8Array(hkdfSync('sha256', config.loginUiSecret, '', 'tessera console cookies v1', 32));
    this.names = {
      session: cookieName(SESSION_COOKIE, config.secureCookies),
      'sign-in': cookieName(SIGN_IN_COOKIE, config.secureCookies),
      flash: cookieName(FLASH_COOKIE, config.secureCookies),
    };
    this.path = config.secureCookies ? '/' : CONSOLE_PATH;
  }

  async start(res: Response, session: ConsoleSession): Promise<void> {
    const ttlSeconds = Math.floor((session.expiresAt - this.now()) / 1000);
    if (ttlSeconds <= 0) throw new Error('the access token has already expired');
    await this.set(res, 'session', { ...session }, ttlSeconds);
  }

  /** The signed-in administrator, or null: no cookie, not ours, tampered with, or expired. */
  async read(req: Request): Promise<ConsoleSession | null> {
    const payload = await this.get(req, 'session');
    if (!payload) return null;
    const { sub, name, admin, accessToken, idToken, expiresAt } = payload;
    if (typeof sub !== 'string' || typeof name !== 'string' || typeof admin !== 'boolean' || typeof accessToken !== 'string'
      || typeof idToken !== 'string' || typeof expiresAt !== 'number' || expiresAt <= this.now()) return null;
    return { sub, name, admin, accessToken, idToken, expiresAt };
  }

  end(res: Response): void {
    this.clear(res, 'session');
  }

  async startSignIn(res: Response, pending: PendingSignIn): Promise<void> {
    await this.set(res, 'sign-in', { ...pending }, SIGN_IN_TTL_SECONDS);
  }

  /** The sign-in this browser started (then forgotten: a callback is used once), or null. */
  async takeSignIn(req: Request, res: Response): Promise<PendingSignIn | null> {
    const payload = await this.get(req, 'sign-in');
    this.clear(res, 'sign-in');
    if (!payload || typeof payload.transaction !== 'string' || typeof payload.returnTo !== 'string') return null;
    return { transaction: payload.transaction, returnTo: payload.returnTo };
  }

  async flash(res: Response, flash: Flash): Promise<void> {
    await this.set(res, 'flash', { ...flash }, FLASH_TTL_SECONDS);
  }

  /** The message set by the request before, once. */
  async takeFlash(req: Request, res: Response): Promise<Flash | null> {
    if (!this.cookie(req, 'flash')) return null;
    const payload = await this.get(req, 'flash');
    this.clear(res, 'flash');
    if (!payload || (payload.kind !== 'success' && payload.kind !== 'error') || typeof payload.text !== 'string') return null;
    return { kind: payload.kind, text: payload.text };
  }

  private async set(res: Response, purpose: Purpose, payload: Record<string, unknown>, ttlSeconds: number): Promise<void> {
    const issuedAt = Math.floor(this.now() / 1000);
    const sealed = await new EncryptJWT(payload)
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .setAudience(purpose)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ttlSeconds)
      .encrypt(this.key);
    if (this.names[purpose].length + sealed.length > MAX_COOKIE_BYTES) throw new Error(`the console ${purpose} cookie would be too large for browsers`);
    res.cookie(this.names[purpose], sealed, { ...this.options(), maxAge: ttlSeconds * 1000 });
  }

  private async get(req: Request, purpose: Purpose): Promise<Record<string, unknown> | null> {
    const value = this.cookie(req, purpose);
    if (!value || value.length > MAX_COOKIE_BYTES) return null;
    try {
      const { payload } = await jwtDecrypt(value, this.key, {
        audience: purpose,
        currentDate: new Date(this.now()),
        keyManagementAlgorithms: ['dir'],
        contentEncryptionAlgorithms: ['A256GCM'],
        requiredClaims: ['exp'],
      });
      return payload as Record<string, unknown>;
    } catch {
      return null;
    }
  }

  private cookie(req: Request, purpose: Purpose): string | undefined {
    const value = (req.cookies as Record<string, unknown> | undefined)?.[this.names[purpose]];
    return typeof value === 'string' && value !== '' ? value : undefined;
  }

  private clear(res: Response, purpose: Purpose): void {
    res.clearCookie(this.names[purpose], this.options());
  }

  private options(): CookieOptions {
    return { httpOnly: true, sameSite: 'lax', secure: this.config.secureCookies, path: this.path };
  }
}
