import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Writes the run as JSON (everything, every run's raw numbers) and as a Markdown page for people. */
export async function writeReport(result, { jsonPath, markdownPath }) {
  await mkdir(dirname(jsonPath), { recursive: true });
  await writeFile(jsonPath, `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(markdownPath, markdown(result));
}

export function markdown(result) {
  const lines = [
    '# Benchmark results',
    '',
    `Run ${result.finishedAt} on ${result.machine.cpuModel} (${result.machine.cpus} cores), ` +
      `${result.machine.totalMemoryGiB} GiB, ${result.machine.os}, Node ${result.machine.node}` +
      `${result.commit ? `, commit \`${result.commit.slice(0, 12)}\`${result.uncommittedChanges ? ' with uncommitted changes' : ''}` : ''}, ` +
      `load average ${result.machine.loadAverageAtStart} when it began. ` +
      `Each scenario ran ${result.runsPerScenario === 1 ? 'once' : `${result.runsPerScenario} times`}: the median, and the range over the runs. ` +
      'The load generator shares the machine\'s cores, and the machine is noisy: compare ratios within one run, not absolute numbers across runs.',
    '',
    `Reproduce with \`npm run bench\` (${Math.round(result.durationSeconds)} s this time, after the build).`,
    '',
  ];
  const targets = result.scenarios.flatMap((s) => (s.targets ?? []).map((t) => ({ ...t, scenario: s })));
  if (targets.length > 0) {
    lines.push('## Targets', '', '| Scenario | Target | Median | Met |', '|---|---|--:|:-:|');
    for (const t of targets) {
      const unit = t.scenario.metrics[t.metric]?.unit;
      lines.push(`| ${t.scenario.id}. ${t.scenario.name} | ${t.label} | ${formatValue(t.value, unit)} | ${t.met === null ? 'not run' : t.met ? 'yes' : '**no**'} |`);
    }
    lines.push('');
  }
  for (const s of result.scenarios) {
    const busy = s.loadAverageAtStart === undefined ? '' : ` (Load average ${s.loadAverageAtStart} when it began.)`;
    lines.push(`## ${s.id}. ${s.title}`, '', `${s.description}${busy}`, '');
    if (s.error) {
      lines.push(`**Failed:** ${s.error}`, '');
      continue;
    }
    lines.push('| Metric | Median | Min – max | Unit |', '|---|--:|--:|---|');
    for (const [name, summary] of Object.entries(s.summary)) {
      const meta = s.metrics[name] ?? { label: name, unit: '' };
      const range = summary.min === null ? '–' : `${formatValue(summary.min, meta.unit)} – ${formatValue(summary.max, meta.unit)}`;
      lines.push(`| ${meta.label} | ${formatValue(summary.median, meta.unit)} | ${range} | ${meta.unit} |`);
    }
    lines.push('');
    // What a run wanted said beside its numbers (a part not run, and why), once each.
    const notes = [...new Set(s.runs.flatMap((r) => r.notes ?? []))];
    for (const note of notes) lines.push(`- ${note}`);
    if (notes.length > 0) lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

/** Few enough digits to read: thousands grouped for rates, two decimals for ratios and latencies. */
export function formatValue(value, unit) {
  if (value === null || value === undefined) return 'n/a';
  if (unit === 'count') return String(Math.round(value));
  if (unit === '×') return value.toFixed(2);
  if (unit === 'req/op') return value === 0 ? '0' : value.toExponential(1);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(value >= 10 ? 1 : 2);
}
