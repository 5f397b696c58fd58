import { Body, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { AdminKeyRevocation, AdminSigningKey, Page } from '@tessera/contracts';
import { AdminApiController } from '../admin-api.decorator';
import { AdminActor } from '../admin-auth.guard';
import { AdminKeys } from './admin-keys.service';

/** `/admin/api/v1/keys` (contracts AdminSigningKey). */
@AdminApiController('keys')
export class AdminKeysController {
  constructor(private readonly keys: AdminKeys) {}

  @Get()
  list(@Query() query: unknown): Promise<Page<AdminSigningKey>> {
    return this.keys.list(query);
  }

  @Post('rotate')
  @HttpCode(200)
  rotate(@Body() body: unknown, @AdminActor() actor: string): Promise<AdminSigningKey> {
    return this.keys.rotate(body, actor);
  }

  @Post(':kid/revoke')
  @HttpCode(200)
  revoke(@Param('kid') kid: string, @AdminActor() actor: string): Promise<AdminKeyRevocation> {
    return this.keys.revoke(kid, actor);
  }
}
