import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { LOGIN_UI_CONFIG, LoginUiConfig } from '../config/login-ui.config';
import { CSRF_FIELD, csrfCookieName, csrfToken, isCsrfCookieValue, isValidCsrfToken, newCsrfCookieValue } from './csrf';

export class CsrfRejected extends Error {
  constructor() { super('the form carried no valid CSRF token'); }
}

@Injectable()
export class Csrf {
  private readonly cookie: string;

  constructor(@Inject(LOGIN_UI_CONFIG) private readonly config: LoginUiConfig) {
    this.cookie = csrfCookieName(config.secureCookies);
  }

  /** The token for a form on this response, setting the cookie first when the browser has none. */
  tokenFor(req: Request, res: Response): string {
    let value: unknown = req.cookies?.[this.cookie];
    if (!isCsrfCookieValue(value)) {
      value = newCsrfCookieValue();
      res.cookie(this.cookie, value, {
        httpOnly: true,
        sameSite: 'lax',
        path: '/',
        secure: this.config.secureCookies,
      });
    }
    return csrfToken(this.config.loginUiSecret, value as string);
  }

  check(req: Request): void {
    const body = req.body as Record<string, unknown> | undefined;
    if (!isValidCsrfToken(this.config.loginUiSecret, req.cookies?.[this.cookie], body?.[CSRF_FIELD])) {
      throw new CsrfRejected();
    }
  }
}
