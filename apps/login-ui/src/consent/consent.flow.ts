import { Inject, Injectable } from '@nestjs/common';
import { TokenServiceClient } from '../token-service/token-service.client';
import { describeScopes } from './scope-descriptions';

export interface ConsentView {
  title: string;
  clientName: string;
  clientUri?: string;
  permissions: string[];
  challenge: string;
  csrfToken: string;
}

@Injectable()
export class ConsentFlow {
  constructor(@Inject(TokenServiceClient) private readonly tokenService: TokenServiceClient) {}

  async form(challenge: string, csrfToken: string): Promise<ConsentView> {
    const request = await this.tokenService.getConsentRequest(challenge);
    return {
      title: `Allow ${request.client.clientName}?`,
      clientName: request.client.clientName,
      clientUri: request.client.clientUri,
      permissions: describeScopes(request.requestedScope),
      challenge,
      csrfToken,
    };
  }

  /** The person allows all that was asked or nothing; the token service already narrowed the request. */
  async decide(challenge: string, allow: boolean, remember: boolean): Promise<string> {
    if (!allow) {
      const { redirectTo } = await this.tokenService.rejectConsent(challenge, {
        error: 'access_denied',
        errorDescription: 'The user denied the request',
      });
      return redirectTo;
    }
    const request = await this.tokenService.getConsentRequest(challenge);
    const { redirectTo } = await this.tokenService.acceptConsent(challenge, { grantScope: request.requestedScope, remember });
    return redirectTo;
  }
}
