import { Get, Query } from '@nestjs/common';
import { AuditEvent, Page } from '@tessera/contracts';
import { AuditLog } from '../../audit/audit-log';
import { InvalidAuditCursor } from '../../audit/audit-cursor';
import { AdminApiController } from '../admin-api.decorator';
import { invalidCursor } from '../admin-input.rule';
import { readAuditQuery } from './audit-query.rule';

/** `/admin/api/v1/audit-events`: the audit trail, newest first (contracts AuditEvent). */
@AdminApiController('audit-events')
export class AdminAuditEventsController {
  constructor(private readonly audit: AuditLog) {}

  @Get()
  list(@Query() query: unknown): Promise<Page<AuditEvent>> {
    const { filter, page } = readAuditQuery(query);
    return this.audit.query(filter, page).catch((err: unknown) => {
      throw err instanceof InvalidAuditCursor ? invalidCursor() : err;
    });
  }
}
