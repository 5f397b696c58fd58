import { Get, Inject, Req, Res } from '@nestjs/common';
import { AdminSigningKey, AdminStats, AdminUser, AuditEvent, Page } from '@tessera/contracts';
import type { Request, Response } from 'express';
import { AdminApiClient } from './admin-api.client';
import { Admin } from './console-auth.guard';
import { ConsoleController } from './console-controller.decorator';
import type { ConsoleSession } from './console-session';
import { ConsoleView } from './console-view';
import { keysByState, keyTimeline } from './key-timeline.rule';
import { signInChart } from './sign-in-chart.rule';

const RECENT_EVENTS = 10;
const USERS_PAGE = 200;

/** `/admin`: counts, sign-ins per hour over the last 24 h, the key schedule, the latest events. */
@ConsoleController()
export class DashboardController {
  constructor(@Inject(AdminApiClient) private readonly api: AdminApiClient, @Inject(ConsoleView) private readonly view: ConsoleView) {}

  @Get()
  async show(@Admin() admin: ConsoleSession, @Req() req: Request, @Res() res: Response): Promise<void> {
    const [stats, keys, events, users] = await Promise.all([
      this.api.get<AdminStats>(admin, '/stats'),
      this.api.get<Page<AdminSigningKey>>(admin, '/keys', { limit: 200 }),
      this.api.get<Page<AuditEvent>>(admin, '/audit-events', { limit: RECENT_EVENTS }),
      this.countUsers(admin, 0),
    ]);
    const cap = (count: number) => (count > stats.count_cap ? `${stats.count_cap}+` : String(count));
    const now = Date.now();
    await this.view.render(req, res, 'dashboard', {
      title: 'Dashboard',
      section: 'dashboard',
      counts: [
        { label: 'Clients', value: cap(stats.clients), href: '/admin/clients' },
        { label: 'Users', value: cap(users), href: '/admin/users' },
        { label: 'Active sessions', value: cap(stats.active_sessions), href: '/admin/sessions' },
        ...keysByState(keys.items).filter((k) => k.count > 0 || k.state === 'active').map((k) => ({ label: `Keys ${k.state}`, value: String(k.count), href: '/admin/keys' })),
      ],
      chart: signInChart(stats.sign_ins),
      signInHours: stats.sign_ins,
      schedule: keyTimeline(keys.items, now).filter((entry) => entry.when === 'future'),
      events: events.items,
    });
  }

  /**
   * The users directory has no count: its list is paged, so count pages of 200 up to the cap the
   * token service uses for its own counts (just past it means "more").
   */
  private async countUsers(admin: ConsoleSession, counted: number, cursor?: string): Promise<number> {
    const page = await this.api.get<Page<AdminUser>>(admin, '/users', { limit: USERS_PAGE, cursor }, 'login-ui');
    const total = counted + page.items.length;
    if (page.next_cursor === null || total > 1000) return total;
    return this.countUsers(admin, total, page.next_cursor);
  }
}
