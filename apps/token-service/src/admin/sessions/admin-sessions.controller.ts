import { Body, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { AdminSession, Page, SubjectRevocation } from '@tessera/contracts';
import { AdminApiController } from '../admin-api.decorator';
import { AdminActor } from '../admin-auth.guard';
import { AdminSessions } from './admin-sessions.service';

/** `/admin/api/v1/sessions` (contracts AdminSession). */
@AdminApiController('sessions')
export class AdminSessionsController {
  constructor(private readonly sessions: AdminSessions) {}

  @Get()
  list(@Query() query: unknown): Promise<Page<AdminSession>> {
    return this.sessions.list(query);
  }

  @Post('revoke')
  @HttpCode(200)
  revokeSubject(@Body() body: unknown, @AdminActor() actor: string): Promise<SubjectRevocation> {
    return this.sessions.revokeSubject(body, actor);
  }

  @Delete(':sessionId')
  @HttpCode(204)
  endSession(@Param('sessionId') sessionId: string, @AdminActor() actor: string): Promise<void> {
    return this.sessions.endSession(sessionId, actor);
  }
}
