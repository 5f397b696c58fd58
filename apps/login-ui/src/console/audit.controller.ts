import { Get, Inject, Query, Req, Res } from '@nestjs/common';
import { AUDIT_EVENT_TYPES, AuditEvent, Page } from '@tessera/contracts';
import type { Request, Response } from 'express';
import { AdminApiClient } from './admin-api.client';
import { readAuditFilter } from './audit-filter.rule';
import { Admin } from './console-auth.guard';
import { ConsoleController } from './console-controller.decorator';
import { pageUrlsOf } from './console-paging';
import type { ConsoleSession } from './console-session';
import { ConsoleView } from './console-view';

/** `/admin/audit`: the audit trail, newest first, filtered by type, subject, client and time (UTC). */
@ConsoleController('/audit')
export class AuditController {
  constructor(@Inject(AdminApiClient) private readonly api: AdminApiClient, @Inject(ConsoleView) private readonly view: ConsoleView) {}

  @Get()
  async list(@Admin() admin: ConsoleSession, @Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    const filter = readAuditFilter(query);
    const page = filter.query ? await this.api.get<Page<AuditEvent>>(admin, '/audit-events', filter.query) : undefined;
    await this.view.render(req, res, 'audit', {
      title: 'Audit log',
      section: 'audit',
      form: filter.form,
      problems: filter.problems,
      types: AUDIT_EVENT_TYPES.map((type) => ({ type, selected: type === filter.form.type })),
      filtered: Object.values(filter.form).some((value) => value !== ''),
      listed: page !== undefined,
      events: page?.items.map((event) => ({ ...event, details: Object.entries(event.details ?? {}).map(([name, value]) => ({ name, value: String(value) })) })),
      pages: page ? pageUrlsOf(req, page.next_cursor) : {},
    }, page ? 200 : 400);
  }
}
