import { Body, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { AdminClient, AdminClientWithSecret, Page } from '@tessera/contracts';
import { AdminApiController } from '../admin-api.decorator';
import { AdminActor } from '../admin-auth.guard';
import { AdminClients } from './admin-clients.service';

/** `/admin/api/v1/clients` (contracts AdminClient). */
@AdminApiController('clients')
export class AdminClientsController {
  constructor(private readonly clients: AdminClients) {}

  @Get()
  list(@Query() query: unknown): Promise<Page<AdminClient>> {
    return this.clients.list(query);
  }

  @Post()
  create(@Body() body: unknown, @AdminActor() actor: string): Promise<AdminClient | AdminClientWithSecret> {
    return this.clients.create(body, actor);
  }

  @Get(':clientId')
  get(@Param('clientId') clientId: string): Promise<AdminClient> {
    return this.clients.get(clientId);
  }

  @Patch(':clientId')
  update(@Param('clientId') clientId: string, @Body() body: unknown, @AdminActor() actor: string): Promise<AdminClient> {
    return this.clients.update(clientId, body, actor);
  }

  @Post(':clientId/secret')
  @HttpCode(200)
  rotateSecret(@Param('clientId') clientId: string, @AdminActor() actor: string): Promise<AdminClientWithSecret> {
    return this.clients.rotateSecret(clientId, actor);
  }

  @Delete(':clientId')
  @HttpCode(204)
  delete(@Param('clientId') clientId: string, @AdminActor() actor: string): Promise<void> {
    return this.clients.delete(clientId, actor);
  }
}
