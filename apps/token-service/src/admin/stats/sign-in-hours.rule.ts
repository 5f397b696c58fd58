import type { AdminStats } from '@tessera/contracts';

export const HOUR_MS = 3_600_000;
/** The dashboard's chart: this many hours, the current one last. */
export const CHART_HOURS = 24;

type HourCount = { hour: number; type: string; count: number };

/** The start of the first hour of the chart that ends with the hour `now` falls in. */
export function chartStart(now: number): number {
  return now - (now % HOUR_MS) - (CHART_HOURS - 1) * HOUR_MS;
}

/**
 * Per-type counts by hour (AuditLog.countsByHour) as the chart's 24 hourly entries, oldest first;
 * an hour without events is there with zeros, and counts outside the chart are ignored.
 */
export function signInHours(counts: HourCount[], now: number): AdminStats['sign_ins'] {
  const start = chartStart(now);
  const hours = Array.from({ length: CHART_HOURS }, (_, i) => ({ hour: start + i * HOUR_MS, succeeded: 0, failed: 0 }));
  for (const { hour, type, count } of counts) {
    const entry = hours[(hour - start) / HOUR_MS];
    if (!entry) continue;
    if (type === 'sign_in.succeeded') entry.succeeded += count;
    else if (type === 'sign_in.failed') entry.failed += count;
  }
  return hours;
}
