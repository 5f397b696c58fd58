import { Inject, Injectable } from '@nestjs/common';
import { TokenServiceClient } from '../token-service/token-service.client';
import { User } from '../users/users.service';
import { identityClaims } from './identity-claims';

export interface LoginFormView {
  title: string;
  clientName: string;
  challenge: string;
  csrfToken: string;
  username: string;
  error?: string;
}

/**
 * The one answer to a refused password, whether the account is unknown, the password wrong or the
 * account locked out: a lock is deliberately not announced (see sign-in-refusals.ts).
 */
export const INVALID_CREDENTIALS = 'Invalid username or password.';

@Injectable()
export class LoginFlow {
  constructor(@Inject(TokenServiceClient) private readonly tokenService: TokenServiceClient) {}

  async form(challenge: string, csrfToken: string, retry?: { username: string }): Promise<LoginFormView> {
    const request = await this.tokenService.getLoginRequest(challenge);
    return {
      title: 'Sign in',
      clientName: request.client.clientName,
      challenge,
      csrfToken,
      username: retry?.username ?? request.loginHint ?? '',
      error: retry ? INVALID_CREDENTIALS : undefined,
    };
  }

  /** Where to send the browser next: only ever the URL the token service answered with. */
  async accept(challenge: string, user: User, remember: boolean): Promise<string> {
    const { redirectTo } = await this.tokenService.acceptLogin(challenge, {
      subject: user.id,
      remember,
      amr: ['pwd'],
      claims: identityClaims(user),
    });
    return redirectTo;
  }
}
