import { CHART, signInChart } from './sign-in-chart.rule';

const HOUR = 3_600_000;
const start = Date.parse('2026-11-27T11:00:00Z');
const day = (counts: Record<number, [number, number]> = {}) =>
  Array.from({ length: 24 }, (_, i) => ({ hour: start + i * HOUR, succeeded: counts[i]?.[0] ?? 0, failed: counts[i]?.[1] ?? 0 }));

describe('signInChart (stacked bars of sign-ins per hour)', () => {
  it.each<[string, Record<number, [number, number]>, { max: number; totals: [number, number]; heights: Record<number, [number, number]> }]>([
    ['a quiet day: no bar has height, the scale is 1', {}, { max: 1, totals: [0, 0], heights: {} }],
    ['the busiest hour fills the height', { 23: [8, 2] }, { max: 10, totals: [8, 2], heights: { 23: [96, 24] } }],
    ['a single sign-in beside a busy hour stays visible', { 0: [1000, 0], 5: [1, 0] }, { max: 1000, totals: [1001, 0], heights: { 0: [CHART.height, 0], 5: [1, 0] } }],
    ['failures only', { 12: [0, 4] }, { max: 4, totals: [0, 4], heights: { 12: [0, CHART.height] } }],
  ])('%s', (_name, counts, expected) => {
    const chart = signInChart(day(counts));
    expect(chart.bars).toHaveLength(24);
    expect(chart.max).toBe(expected.max);
    expect([chart.totals.succeeded, chart.totals.failed]).toEqual(expected.totals);
    const heights = Object.fromEntries(chart.bars.map((b, i) => [i, [b.succeeded.height, b.failed.height]]).filter(([, h]) => (h as number[]).some(Boolean)));
    expect(heights).toEqual(expected.heights);
    for (const bar of chart.bars) {
      // Stacked: the failed part sits right on top of the successful one, inside the drawing area.
      expect(bar.failed.y + bar.failed.height).toBe(bar.succeeded.y);
      expect(bar.succeeded.y + bar.succeeded.height).toBe(CHART.height);
      expect(bar.failed.y).toBeGreaterThanOrEqual(0);
      expect(bar.x + bar.width).toBeLessThanOrEqual(CHART.width);
    }
  });

  it('labels every sixth hour and titles every bar', () => {
    const chart = signInChart(day({ 1: [2, 1] }));
    expect(chart.bars.map((b) => b.label).filter(Boolean)).toEqual(['11:00', '17:00', '23:00', '05:00']);
    expect(chart.bars[1].title).toBe('12:00 UTC: 2 succeeded, 1 failed');
  });
});
