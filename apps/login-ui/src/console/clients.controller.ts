import { Body, Get, Inject, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { AdminClient, AdminClientWithSecret, Page } from '@tessera/contracts';
import type { Request, Response } from 'express';
import { CsrfGuard } from '../security/csrf.guard';
import { AdminApiClient } from './admin-api.client';
import {
  CLIENT_FORM_FIELDS, ClientForm, clientChanges, clientFieldOf, clientFormOf, clientFormView, newClientBody, NEW_CLIENT_FORM, readClientForm,
} from './client-form.rule';
import { Admin } from './console-auth.guard';
import { ConsoleController } from './console-controller.decorator';
import { FormBody, FormProblems, refusedForm, textField } from './console-form.rule';
import { pageUrlsOf } from './console-paging';
import type { ConsoleSession } from './console-session';
import { ConsoleView } from './console-view';

/**
 * The clients pages: the list (search by name or client_id prefix, paged), a new client, a client's
 * page (its registration, sessions, a new secret, deletion) and its edit form. Changes go through
 * the admin API's clients resource with the administrator's own token.
 */
@ConsoleController('/clients')
export class ClientsController {
  constructor(@Inject(AdminApiClient) private readonly api: AdminApiClient, @Inject(ConsoleView) private readonly view: ConsoleView) {}

  @Get()
  async list(@Admin() admin: ConsoleSession, @Query() query: FormBody, @Req() req: Request, @Res() res: Response): Promise<void> {
    const q = textField(query, 'q').trim();
    const page = await this.api.get<Page<AdminClient>>(admin, '/clients', { q, cursor: textField(query, 'cursor') });
    const { next, first } = pageUrlsOf(req, page.next_cursor);
    await this.view.render(req, res, 'clients/list', { title: 'Clients', section: 'clients', q, clients: page.items, nextUrl: next, firstUrl: first });
  }

  @Get('new')
  async newForm(@Admin() _admin: ConsoleSession, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.renderForm(req, res, NEW_CLIENT_FORM);
  }

  @Post()
  @UseGuards(CsrfGuard)
  async create(@Admin() admin: ConsoleSession, @Body() body: FormBody, @Req() req: Request, @Res() res: Response): Promise<void> {
    const form = readClientForm(body);
    let client: AdminClient | AdminClientWithSecret;
    try {
      client = await this.api.post<AdminClient | AdminClientWithSecret>(admin, '/clients', newClientBody(form));
    } catch (err) {
      await this.renderForm(req, res, form, { problems: refusedForm(err, clientFieldOf, CLIENT_FORM_FIELDS) });
      return;
    }
    if ('client_secret' in client) {
      // The secret exists in this answer only: shown now, never put in a URL or a cookie.
      await this.renderSecret(req, res, client, 'Client created');
      return;
    }
    await this.view.redirect(res, clientPath(client.client_id), { kind: 'success', text: `Client “${client.client_name}” created.` });
  }

  @Get(':clientId')
  async show(@Admin() admin: ConsoleSession, @Param('clientId') clientId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const client = await this.client(admin, clientId);
    const href = clientPath(client.client_id);
    await this.view.render(req, res, 'clients/show', {
      title: client.client_name,
      section: 'clients',
      client,
      href,
      rotateAction: `${href}/secret`,
      deleteAction: `${href}/delete`,
      sessionsHref: `/admin/sessions?${new URLSearchParams({ client_id: client.client_id })}`,
      confidential: client.token_endpoint_auth_method !== 'none',
      rotateQuestion: `Issue a new secret for “${client.client_name}”? The current secret stops working at once, so the client fails until it is given the new one.`,
      deleteQuestion: `Delete “${client.client_name}”? It can no longer sign anyone in, and every token it holds is revoked. This cannot be undone.`,
    });
  }

  @Get(':clientId/edit')
  async editForm(@Admin() admin: ConsoleSession, @Param('clientId') clientId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const client = await this.client(admin, clientId);
    await this.renderForm(req, res, clientFormOf(client), { client });
  }

  @Post(':clientId/edit')
  @UseGuards(CsrfGuard)
  async update(@Admin() admin: ConsoleSession, @Param('clientId') clientId: string, @Body() body: FormBody, @Req() req: Request, @Res() res: Response): Promise<void> {
    const client = await this.client(admin, clientId);
    const form = readClientForm(body);
    const changes = clientChanges(form, client);
    if (Object.keys(changes).length === 0) {
      await this.view.redirect(res, clientPath(clientId), { kind: 'success', text: 'Nothing was changed.' });
      return;
    }
    try {
      await this.api.patch(admin, `/clients/${encodeURIComponent(clientId)}`, changes);
    } catch (err) {
      await this.renderForm(req, res, form, { client, problems: refusedForm(err, clientFieldOf, CLIENT_FORM_FIELDS) });
      return;
    }
    await this.view.redirect(res, clientPath(clientId), { kind: 'success', text: 'Changes saved.' });
  }

  @Post(':clientId/secret')
  @UseGuards(CsrfGuard)
  async rotateSecret(@Admin() admin: ConsoleSession, @Param('clientId') clientId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const client = await this.api.post<AdminClientWithSecret>(admin, `/clients/${encodeURIComponent(clientId)}/secret`);
    await this.renderSecret(req, res, client, 'New client secret');
  }

  @Post(':clientId/delete')
  @UseGuards(CsrfGuard)
  async remove(@Admin() admin: ConsoleSession, @Param('clientId') clientId: string, @Res() res: Response): Promise<void> {
    await this.api.delete(admin, `/clients/${encodeURIComponent(clientId)}`);
    await this.view.redirect(res, '/admin/clients', { kind: 'success', text: 'Client deleted; its tokens are revoked.' });
  }

  private client(admin: ConsoleSession, clientId: string): Promise<AdminClient> {
    return this.api.get<AdminClient>(admin, `/clients/${encodeURIComponent(clientId)}`);
  }

  /** The new-client form, or a client's edit form; after a refusal, with the API's messages beside the fields (400, or 409). */
  private async renderForm(
    req: Request, res: Response, form: ClientForm, options: { client?: AdminClient; problems?: FormProblems & { status: number } } = {},
  ): Promise<void> {
    const { client, problems } = options;
    await this.view.render(req, res, 'clients/form', {
      title: client ? `Edit ${client.client_name}` : 'New client',
      section: 'clients',
      client,
      action: client ? `${clientPath(client.client_id)}/edit` : '/admin/clients',
      cancel: client ? clientPath(client.client_id) : '/admin/clients',
      form: clientFormView(form),
      ...problems,
    }, problems?.status ?? 200);
  }

  private async renderSecret(req: Request, res: Response, client: AdminClientWithSecret, title: string): Promise<void> {
    await this.view.render(req, res, 'clients/secret', { title, section: 'clients', client, href: clientPath(client.client_id) });
  }
}

function clientPath(clientId: string): string {
  return `/admin/clients/${encodeURIComponent(clientId)}`;
}
