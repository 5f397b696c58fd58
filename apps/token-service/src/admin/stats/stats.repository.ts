import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Counts for the dashboard that stop at a cap: each reads at most `cap + 1` index entries (the
 * primary key of clients; idx_sessions_expires_at for live sessions), so its cost does not grow
 * with the table.
 */
@Injectable()
export class StatsRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Registered clients, up to `cap + 1` (more than `cap` means "more than cap"). */
  countClients(cap: number): Promise<number> {
    return this.countUpTo('SELECT 1 FROM clients', [], cap);
  }

  /** Sessions that have neither ended nor expired at `now`, up to `cap + 1`. */
  countLiveSessions(now: number, cap: number): Promise<number> {
    return this.countUpTo('SELECT 1 FROM sso_sessions WHERE expires_at > ? AND ended_at IS NULL', [now], cap);
  }

  private async countUpTo(select: string, params: unknown[], cap: number): Promise<number> {
    // `?` placeholders mean the same to both drivers; the cap is our own integer, never input.
    const rows = await this.dataSource.query<{ n: string | number }[]>(`SELECT COUNT(*) AS n FROM (${select} LIMIT ${Math.trunc(cap) + 1}) capped`, params);
    return Number(rows[0]?.n ?? 0);
  }
}
