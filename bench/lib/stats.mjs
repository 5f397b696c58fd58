/** Median and range of one metric over the runs of a scenario: the only summary the report gives. */
export function summarize(values) {
  const finite = values.filter((v) => typeof v === 'number' && Number.isFinite(v));
  if (finite.length === 0) return { median: null, min: null, max: null, runs: values.length };
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: finite.length };
}

/** Summaries of every metric the runs reported, in the order the scenario declares them. */
export function summarizeRuns(declared, runs) {
  const names = [...new Set([...Object.keys(declared), ...runs.flatMap((r) => Object.keys(r.metrics))])];
  return Object.fromEntries(names.map((name) => [name, summarize(runs.map((r) => r.metrics[name]))]));
}

/**
 * Whether a target holds for the median: `min` (at least) or `max` (at most). `met` is null when the
 * metric has no value (the part that measures it did not run): neither met nor missed.
 */
export function checkTarget(target, summary) {
  const value = summary[target.metric]?.median;
  if (value === null || value === undefined) return { ...target, value: null, met: null };
  const met = (target.min === undefined || value >= target.min) && (target.max === undefined || value <= target.max);
  return { ...target, value, met };
}
