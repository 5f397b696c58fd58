import { Body, Controller, Get, Param, Put, UseFilters, UseGuards } from '@nestjs/common';
import { ConsentRequest, LoginRequest, LogoutRequest, RedirectResponse } from '@tessera/contracts';
import { SignInFlow } from '../flow/sign-in-flow.service';
import { LogoutFlow } from '../logout/logout-flow.service';
import { OAuthJsonFilter } from '../http/oauth-json.filter';
import { readAcceptConsent, readAcceptLogin, readReject } from './interaction-body.rule';
import { InternalApiGuard } from './internal-api.guard';

/** The login/consent/logout provider API for the login UI (libs/contracts interaction.ts). */
@Controller('internal/v1')
@UseGuards(InternalApiGuard)
@UseFilters(OAuthJsonFilter)
export class InteractionController {
  constructor(private readonly signIn: SignInFlow, private readonly logout: LogoutFlow) {}

  @Get('login-requests/:challenge')
  loginRequest(@Param('challenge') challenge: string): Promise<LoginRequest> {
    return this.signIn.loginRequest(challenge, Date.now());
  }

  @Put('login-requests/:challenge/accept')
  async acceptLogin(@Param('challenge') challenge: string, @Body() body: unknown): Promise<RedirectResponse> {
    return { redirectTo: await this.signIn.acceptLogin(challenge, readAcceptLogin(body), Date.now()) };
  }

  @Put('login-requests/:challenge/reject')
  async rejectLogin(@Param('challenge') challenge: string, @Body() body: unknown): Promise<RedirectResponse> {
    return { redirectTo: await this.signIn.reject('login', challenge, readReject(body), Date.now()) };
  }

  @Get('consent-requests/:challenge')
  consentRequest(@Param('challenge') challenge: string): Promise<ConsentRequest> {
    return this.signIn.consentRequest(challenge, Date.now());
  }

  @Put('consent-requests/:challenge/accept')
  async acceptConsent(@Param('challenge') challenge: string, @Body() body: unknown): Promise<RedirectResponse> {
    return { redirectTo: await this.signIn.acceptConsent(challenge, readAcceptConsent(body), Date.now()) };
  }

  @Put('consent-requests/:challenge/reject')
  async rejectConsent(@Param('challenge') challenge: string, @Body() body: unknown): Promise<RedirectResponse> {
    return { redirectTo: await this.signIn.reject('consent', challenge, readReject(body), Date.now()) };
  }

  @Get('logout-requests/:challenge')
  logoutRequest(@Param('challenge') challenge: string): Promise<LogoutRequest> {
    return this.logout.request(challenge, Date.now());
  }

  @Put('logout-requests/:challenge/accept')
  async acceptLogout(@Param('challenge') challenge: string): Promise<RedirectResponse> {
    return { redirectTo: await this.logout.accept(challenge, Date.now()) };
  }

  @Put('logout-requests/:challenge/reject')
  async rejectLogout(@Param('challenge') challenge: string): Promise<RedirectResponse> {
    return { redirectTo: await this.logout.reject(challenge, Date.now()) };
  }
}
