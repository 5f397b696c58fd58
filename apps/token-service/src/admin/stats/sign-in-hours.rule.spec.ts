import { CHART_HOURS, chartStart, HOUR_MS, signInHours } from './sign-in-hours.rule';

describe('signInHours (the dashboard chart)', () => {
  const now = Date.parse('2026-11-28T10:25:00Z');
  const hour = (iso: string) => Date.parse(iso);

  it('starts 23 hours before the current hour', () => {
    expect(chartStart(now)).toBe(hour('2026-11-27T11:00:00Z'));
  });

  it.each<[string, { hour: number; type: string; count: number }[], Record<string, [number, number]>]>([
    ['no events: 24 empty hours', [], {}],
    ['successes and failures in their hours', [
      { hour: hour('2026-11-28T10:00:00Z'), type: 'sign_in.succeeded', count: 3 },
      { hour: hour('2026-11-28T10:00:00Z'), type: 'sign_in.failed', count: 2 },
      { hour: hour('2026-11-27T11:00:00Z'), type: 'sign_in.failed', count: 7 },
    ], { '2026-11-28T10:00:00.000Z': [3, 2], '2026-11-27T11:00:00.000Z': [0, 7] }],
    ['an hour before the chart is left out', [{ hour: hour('2026-11-27T10:00:00Z'), type: 'sign_in.succeeded', count: 5 }], {}],
    ['an hour after now is left out', [{ hour: hour('2026-11-28T11:00:00Z'), type: 'sign_in.succeeded', count: 5 }], {}],
    ['other event types are ignored', [{ hour: hour('2026-11-28T09:00:00Z'), type: 'account.locked', count: 4 }], {}],
  ])('%s', (_name, counts, expected) => {
    const hours = signInHours(counts, now);
    expect(hours).toHaveLength(CHART_HOURS);
    expect(hours[0].hour).toBe(chartStart(now));
    expect(hours[CHART_HOURS - 1].hour).toBe(hour('2026-11-28T10:00:00Z'));
    for (let i = 1; i < hours.length; i++) expect(hours[i].hour - hours[i - 1].hour).toBe(HOUR_MS);
    const nonZero = Object.fromEntries(hours.filter((h) => h.succeeded || h.failed).map((h) => [new Date(h.hour).toISOString(), [h.succeeded, h.failed]]));
    expect(nonZero).toEqual(expected);
  });
});
