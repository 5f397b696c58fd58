import { Injectable } from '@nestjs/common';
import { AdminStats } from '@tessera/contracts';
import { AuditLog } from '../../audit/audit-log';
import { chartStart, signInHours } from './sign-in-hours.rule';
import { StatsRepository } from './stats.repository';

/** Counts above this are shown as "1000+". */
export const STATS_COUNT_CAP = 1000;

/** The dashboard's figures (contracts AdminStats). */
@Injectable()
export class AdminStatsService {
  constructor(private readonly repository: StatsRepository, private readonly audit: AuditLog) {}

  async read(now = Date.now()): Promise<AdminStats> {
    const [clients, activeSessions, counts] = await Promise.all([
      this.repository.countClients(STATS_COUNT_CAP),
      this.repository.countLiveSessions(now, STATS_COUNT_CAP),
      this.audit.countsByHour(['sign_in.succeeded', 'sign_in.failed'], chartStart(now)),
    ]);
    return {
      clients,
      active_sessions: activeSessions,
      count_cap: STATS_COUNT_CAP,
      sign_ins: signInHours(counts, now),
      at: now,
    };
  }
}
