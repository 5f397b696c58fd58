import { Body, Controller, HttpCode, Post, UseFilters, UseGuards } from '@nestjs/common';
import { OAuthJsonFilter } from '../http/oauth-json.filter';
import { InternalApiGuard } from '../interaction/internal-api.guard';
import { AuditLog } from './audit-log';
import { readAuditSubmissions } from './audit-submission.rule';

/** Where the login UI hands in its audit events (contracts audit.ts), on the internal listener only. */
@Controller('internal/v1/audit-events')
@UseGuards(InternalApiGuard)
@UseFilters(OAuthJsonFilter)
export class AuditEventsController {
  constructor(private readonly audit: AuditLog) {}

  /** 202: the events are queued, and written within AUDIT_FLUSH_DELAY_MS. */
  @Post()
  @HttpCode(202)
  submit(@Body() body: unknown): { accepted: number } {
    const submissions = readAuditSubmissions(body, Date.now());
    for (const { event, at } of submissions) this.audit.record(event, at);
    return { accepted: submissions.length };
  }
}
