import type { AdminStats } from '@tessera/contracts';

/** The chart's drawing area in SVG user units (the SVG scales to its box). */
export const CHART = { width: 480, height: 120, labelHeight: 16 } as const;

export interface ChartBar {
  x: number;
  width: number;
  /** The successful sign-ins, drawn from the bottom. */
  succeeded: { y: number; height: number; count: number };
  /** The failed ones, stacked on top. */
  failed: { y: number; height: number; count: number };
  /** `10:00`, under every sixth bar only (else empty). */
  label: string;
  /** What a screen reader and a tooltip say: `10:00 UTC: 3 succeeded, 1 failed`. */
  title: string;
}

export interface SignInChart {
  bars: ChartBar[];
  /** The largest hourly total, the top of the scale (at least 1). */
  max: number;
  totals: { succeeded: number; failed: number };
  width: number;
  height: number;
  /** Baseline of the bars and of the labels. */
  baseline: number;
  labelY: number;
}

const GAP = 2;
const LABEL_EVERY = 6;

/**
 * The dashboard's small chart of sign-ins per hour as stacked SVG bars: server-rendered markup with
 * computed coordinates, no script and no inline style (the CSP allows neither). Heights scale to the
 * busiest hour; an hour with sign-ins keeps at least one unit of height so it never looks empty.
 */
export function signInChart(hours: AdminStats['sign_ins']): SignInChart {
  const max = Math.max(1, ...hours.map((h) => h.succeeded + h.failed));
  const slot = CHART.width / Math.max(1, hours.length);
  const scale = (count: number) => (count === 0 ? 0 : Math.max(1, Math.round((count / max) * CHART.height)));
  const bars = hours.map((h, i) => {
    const okHeight = scale(h.succeeded);
    const failedHeight = scale(h.failed);
    const time = new Date(h.hour).toISOString().slice(11, 16);
    return {
      x: round(i * slot + GAP / 2),
      width: round(slot - GAP),
      succeeded: { y: CHART.height - okHeight, height: okHeight, count: h.succeeded },
      failed: { y: CHART.height - okHeight - failedHeight, height: failedHeight, count: h.failed },
      label: i % LABEL_EVERY === 0 ? time : '',
      title: `${time} UTC: ${h.succeeded} succeeded, ${h.failed} failed`,
    };
  });
  return {
    bars,
    max,
    totals: {
      succeeded: hours.reduce((sum, h) => sum + h.succeeded, 0),
      failed: hours.reduce((sum, h) => sum + h.failed, 0),
    },
    width: CHART.width,
    height: CHART.height + CHART.labelHeight,
    baseline: CHART.height,
    labelY: CHART.height + CHART.labelHeight - 3,
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
