import { Inject, Injectable } from '@nestjs/common';
import { TokenServiceClient } from '../token-service/token-service.client';

export interface LogoutView {
  title: string;
  clientName?: string;
  challenge: string;
  csrfToken: string;
}

@Injectable()
export class LogoutFlow {
  constructor(@Inject(TokenServiceClient) private readonly tokenService: TokenServiceClient) {}

  async form(challenge: string, csrfToken: string): Promise<LogoutView> {
    const request = await this.tokenService.getLogoutRequest(challenge);
    return { title: 'Sign out of Tessera?', clientName: request.client?.clientName, challenge, csrfToken };
  }

  async decide(challenge: string, signOut: boolean): Promise<string> {
    const { redirectTo } = signOut
      ? await this.tokenService.acceptLogout(challenge)
      : await this.tokenService.rejectLogout(challenge, { error: 'logout_cancelled' });
    return redirectTo;
  }
}
