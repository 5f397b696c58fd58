import { Body, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { AdminInitialAccessToken, AdminInitialAccessTokenCreated, Page } from '@tessera/contracts';
import { AdminApiController } from '../admin-api.decorator';
import { AdminActor } from '../admin-auth.guard';
import { AdminInitialAccessTokens } from './admin-initial-access-tokens.service';

/** `/admin/api/v1/initial-access-tokens` (contracts AdminInitialAccessToken). */
@AdminApiController('initial-access-tokens')
export class AdminInitialAccessTokensController {
  constructor(private readonly tokens: AdminInitialAccessTokens) {}

  @Get()
  list(@Query() query: unknown): Promise<Page<AdminInitialAccessToken>> {
    return this.tokens.list(query);
  }

  @Post()
  create(@Body() body: unknown, @AdminActor() actor: string): Promise<AdminInitialAccessTokenCreated> {
    return this.tokens.create(body, actor);
  }

  @Delete(':id')
  @HttpCode(204)
  revoke(@Param('id') id: string, @AdminActor() actor: string): Promise<void> {
    return this.tokens.revoke(id, actor);
  }
}
