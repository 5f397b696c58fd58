import { Body, Get, Inject, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { AdminInitialAccessToken, AdminInitialAccessTokenCreated, Page } from '@tessera/contracts';
import type { Request, Response } from 'express';
import { LOGIN_UI_CONFIG, LoginUiConfig } from '../config/login-ui.config';
import { CsrfGuard } from '../security/csrf.guard';
import { AdminApiClient } from './admin-api.client';
import { Admin } from './console-auth.guard';
import { ConsoleController } from './console-controller.decorator';
import { AdminApiPageError } from './console-errors';
import { pageUrlsOf } from './console-paging';
import type { ConsoleSession } from './console-session';
import { ConsoleView } from './console-view';
import { DEFAULT_REGISTRATION_TOKEN_FORM, readRegistrationTokenForm, RegistrationTokenForm } from './registration-token-form.rule';

const CURSOR = /^[A-Za-z0-9_-]{1,512}$/;

/**
 * `/admin/registration-tokens`: initial access tokens for dynamic client registration (RFC 7591
 * §3). A new token is shown once, in the answer to the form that made it (never in a URL or a
 * redirect); the list shows their state, uses and expiry; revoking one asks for confirmation.
 */
@ConsoleController('/registration-tokens')
export class RegistrationTokensController {
  constructor(
    @Inject(AdminApiClient) private readonly api: AdminApiClient,
    @Inject(ConsoleView) private readonly view: ConsoleView,
    @Inject(LOGIN_UI_CONFIG) private readonly config: Pick<LoginUiConfig, 'issuer'>,
  ) {}

  @Get()
  async list(@Admin() admin: ConsoleSession, @Query('cursor') cursor: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.listPage(admin, req, res, { cursor: typeof cursor === 'string' && CURSOR.test(cursor) ? cursor : undefined });
  }

  @Post()
  @UseGuards(CsrfGuard)
  async create(@Admin() admin: ConsoleSession, @Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    const read = readRegistrationTokenForm(body);
    if (!read.body) {
      await this.listPage(admin, req, res, { form: read.form, problems: read.problems, status: 400 });
      return;
    }
    let created: AdminInitialAccessTokenCreated;
    try {
      created = await this.api.post<AdminInitialAccessTokenCreated>(admin, '/initial-access-tokens', read.body);
    } catch (err) {
      if (!(err instanceof AdminApiPageError) || err.status !== 400) throw err;
      await this.listPage(admin, req, res, { form: read.form, problems: { form: err.message }, status: 400 });
      return;
    }
    await this.view.render(req, res, 'registration-token-created', {
      title: 'Access token for registration created',
      section: 'registration-tokens',
      created,
      registrationEndpoint: `${this.config.issuer}/oauth2/register`,
    });
  }

  @Post(':id/revoke')
  @UseGuards(CsrfGuard)
  async revoke(@Admin() admin: ConsoleSession, @Param('id') id: string, @Res() res: Response): Promise<void> {
    await this.api.delete(admin, `/initial-access-tokens/${encodeURIComponent(id)}`);
    await this.view.redirect(res, '/admin/registration-tokens', { kind: 'success', text: `Token ${id} is revoked: it can no longer register clients.` });
  }

  private async listPage(
    admin: ConsoleSession, req: Request, res: Response,
    options: { cursor?: string; form?: RegistrationTokenForm; problems?: Record<string, string>; status?: number },
  ): Promise<void> {
    const page = await this.api.get<Page<AdminInitialAccessToken>>(admin, '/initial-access-tokens', { cursor: options.cursor });
    await this.view.render(req, res, 'registration-tokens', {
      title: 'Access tokens for registration',
      section: 'registration-tokens',
      tokens: page.items.map((token) => ({ ...token, revocable: token.state === 'active' })),
      pages: pageUrlsOf(req, page.next_cursor),
      form: options.form ?? DEFAULT_REGISTRATION_TOKEN_FORM,
      problems: options.problems ?? {},
    }, options.status);
  }
}
