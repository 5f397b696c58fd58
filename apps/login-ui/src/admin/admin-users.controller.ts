import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Put, Query, UseFilters, UseGuards } from '@nestjs/common';
import { ADMIN_API_PREFIX, AdminUser, AdminUserWithPassword, Page } from '@tessera/contracts';
import { AdminApiFilter } from './admin-api.filter';
import { Actor, AdminActor, AdminAuthGuard } from './admin-auth.guard';
import { AdminUsers } from './admin-users.service';
import { readListQuery, readNewUser, readPasswordChoice, readProfileChanges, readRoles } from './user-bodies.rule';

/** The user directory's admin API (contracts AdminUser); bodies are read by user-bodies.rule.ts. */
@Controller(`${ADMIN_API_PREFIX}/users`)
@UseGuards(AdminAuthGuard)
@UseFilters(AdminApiFilter)
export class AdminUsersController {
  constructor(@Inject(AdminUsers) private readonly users: AdminUsers) {}

  @Get()
  list(@Query() query: Record<string, unknown>): Promise<Page<AdminUser>> {
    return this.users.list(readListQuery(query));
  }

  @Post()
  create(@Body() body: unknown, @Actor() by: AdminActor): Promise<AdminUser | AdminUserWithPassword> {
    return this.users.create(readNewUser(body), by);
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<AdminUser> {
    return this.users.get(id);
  }

  @Patch(':id')
  update(@Param('id') id: string, @Body() body: unknown, @Actor() by: AdminActor): Promise<AdminUser> {
    return this.users.updateProfile(id, readProfileChanges(body), by);
  }

  @Put(':id/roles')
  setRoles(@Param('id') id: string, @Body() body: unknown, @Actor() by: AdminActor): Promise<AdminUser> {
    return this.users.setRoles(id, readRoles(body), by);
  }

  @Post(':id/disable')
  @HttpCode(200)
  disable(@Param('id') id: string, @Actor() by: AdminActor): Promise<AdminUser> {
    return this.users.disable(id, by);
  }

  @Post(':id/enable')
  @HttpCode(200)
  enable(@Param('id') id: string, @Actor() by: AdminActor): Promise<AdminUser> {
    return this.users.enable(id, by);
  }

  @Post(':id/password')
  @HttpCode(200)
  resetPassword(@Param('id') id: string, @Body() body: unknown, @Actor() by: AdminActor): Promise<AdminUser | AdminUserWithPassword> {
    return this.users.resetPassword(id, readPasswordChoice(body), by);
  }

  @Post(':id/unlock')
  @HttpCode(200)
  unlock(@Param('id') id: string, @Actor() by: AdminActor): Promise<AdminUser> {
    return this.users.unlock(id, by);
  }
}
