#!/usr/bin/env node
// `npm run bench`: runs every scenario under bench/scenarios/ (or the ones named with --only) at
// least three times, prints progress as it goes, and writes bench/results/latest.json and latest.md.
// Not a test: nothing here asserts a time; targets are reported as met or not.
//
//   npm run bench                      all scenarios, 3 runs each (prebench builds the apps first)
//   node bench/run.mjs --only 1,7      some scenarios; the results go to a temporary folder, not latest.*
//   node bench/run.mjs --runs 5        more runs per scenario (never fewer than 3 for latest.*)
//
// A scenario is one file exporting { id, name, title, description, metrics, targets, setup?, run, teardown? };
// see bench/README.md.
import { execFileSync } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { arch, availableParallelism, cpus, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './lib/dist.mjs';
import { stopAll } from './lib/processes.mjs';
import { writeReport } from './lib/report.mjs';
import { checkTarget, summarizeRuns } from './lib/stats.mjs';

const MIN_RUNS = 3;
const SCENARIOS_DIR = join(ROOT, 'bench/scenarios');
const RESULTS_DIR = join(ROOT, 'bench/results');

const { values: args } = parseArgs({
  options: { only: { type: 'string' }, runs: { type: 'string', default: String(MIN_RUNS) }, help: { type: 'boolean', short: 'h' } },
});
if (args.help) {
  console.log('usage: node bench/run.mjs [--only 1,7] [--runs N]');
  process.exit(0);
}
const runs = Number(args.runs);
if (!Number.isInteger(runs) || runs < 1 || runs > 50) fail(`--runs must be an integer from 1 to 50, not ${args.runs}`);
const only = args.only === undefined ? undefined : new Set(args.only.split(',').map((id) => Number(id.trim())));
if (only && [...only].some((id) => !Number.isInteger(id))) fail(`--only takes scenario numbers, e.g. --only 1,7 (not ${args.only})`);

// Ctrl-C or a crash must not leave a server under test running.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    console.error(`\nbench: ${signal}, stopping the processes it started`);
    stopAll().finally(() => process.exit(130));
  });
}

const scenarios = await loadScenarios();
if (only) {
  const unknown = [...only].filter((id) => !scenarios.some((s) => s.id === id));
  if (unknown.length > 0) fail(`no scenario ${unknown.join(', ')}; there are ${scenarios.map((s) => s.id).join(', ')}`);
}
const selected = scenarios.filter((s) => !only || only.has(s.id));
const complete = !only && runs >= MIN_RUNS;

const startedAt = new Date();
const started = performance.now();
// Other work on the machine skews every number: the load when the run began says how much to trust them.
const loadAtStart = loadavg()[0];
const results = [];
console.log(`bench: ${selected.length} scenario(s), ${runs} run(s) each, on ${availableParallelism()} cores`);
for (const [index, scenario] of selected.entries()) {
  results.push(await runScenario(scenario, `[${index + 1}/${selected.length}]`));
}
await stopAll();

const result = {
  startedAt: startedAt.toISOString(),
  finishedAt: new Date().toISOString(),
  durationSeconds: (performance.now() - started) / 1000,
  runsPerScenario: runs,
  ...gitState(),
  machine: { ...machine(), loadAverageAtStart: Math.round(loadAtStart * 100) / 100 },
  scenarios: results,
};
const outDir = complete ? RESULTS_DIR : mkdtempSync(join(tmpdir(), 'tessera-bench-results-'));
const jsonPath = join(outDir, 'latest.json');
const markdownPath = join(outDir, 'latest.md');
await writeReport(result, { jsonPath, markdownPath });

console.log(`\nbench: done in ${Math.round(result.durationSeconds)} s; results in ${relative(jsonPath)} and ${relative(markdownPath)}`);
if (!complete) console.log('bench: not every scenario ran (or fewer than 3 runs), so bench/results/latest.* were left as they were');
for (const s of results) {
  for (const t of s.targets ?? []) console.log(`  ${t.met === null ? 'not run' : t.met ? 'met    ' : 'MISSED '} ${s.id}. ${t.label}: ${t.value === null ? 'n/a' : round(t.value)}`);
}
const failed = results.filter((s) => s.error);
if (failed.length > 0) {
  console.error(`bench: ${failed.length} scenario(s) failed: ${failed.map((s) => s.name).join(', ')}`);
  process.exitCode = 1;
}

async function loadScenarios() {
  const files = (await readdir(SCENARIOS_DIR)).filter((f) => f.endsWith('.mjs')).sort();
  const loaded = [];
  for (const file of files) {
    const scenario = (await import(join(SCENARIOS_DIR, file))).default;
    for (const key of ['id', 'name', 'title', 'description', 'metrics', 'run']) {
      if (scenario?.[key] === undefined) fail(`bench/scenarios/${file} exports no ${key}`);
    }
    if (loaded.some((s) => s.id === scenario.id)) fail(`two scenarios have the id ${scenario.id}`);
    loaded.push(scenario);
  }
  return loaded.sort((a, b) => a.id - b.id);
}

/** Setup once, `runs` timed runs, teardown; a failure is recorded and the next scenario still runs. */
async function runScenario(scenario, position) {
  const header = `${position} ${scenario.id}. ${scenario.title}`;
  console.log(`\n${header}`);
  const record = {
    id: scenario.id,
    name: scenario.name,
    title: scenario.title,
    description: scenario.description,
    metrics: scenario.metrics,
    runs: [],
    // Work of others on a shared machine moves every number: say how busy it was when this began.
    loadAverageAtStart: Math.round(loadavg()[0] * 100) / 100,
  };
  const scenarioStarted = performance.now();
  let state;
  try {
    console.log('  setting up');
    state = scenario.setup ? await scenario.setup() : undefined;
    for (let i = 1; i <= runs; i++) {
      const runStarted = performance.now();
      const run = await scenario.run(state);
      record.runs.push(run);
      const shown = Object.entries(run.metrics).map(([name, value]) => `${name}=${round(value)}`).join(' ');
      console.log(`  run ${i}/${runs} (${((performance.now() - runStarted) / 1000).toFixed(1)} s): ${shown}`);
    }
  } catch (err) {
    record.error = err instanceof Error ? err.message : String(err);
    console.error(`  FAILED: ${record.error}`);
  } finally {
    if (state !== undefined && scenario.teardown) {
      await scenario.teardown(state).catch((err) => console.error(`  teardown failed: ${err.message}`));
    }
  }
  record.seconds = (performance.now() - scenarioStarted) / 1000;
  if (record.runs.length > 0) {
    record.summary = summarizeRuns(scenario.metrics, record.runs);
    record.targets = (scenario.targets ?? []).map((target) => checkTarget(target, record.summary));
  }
  return record;
}

function machine() {
  const [cpu] = cpus();
  return {
    cpuModel: cpu?.model.trim() ?? 'unknown CPU',
    cpus: availableParallelism(),
    totalMemoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()} ${arch()}`,
    node: process.versions.node,
  };
}

/** The commit measured and whether the tree had uncommitted changes; nothing outside a git checkout. */
function gitState() {
  // Read only: --no-optional-locks keeps `git status` from refreshing the index.
  const git = (...args) => execFileSync('git', ['--no-optional-locks', ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    return { commit: git('rev-parse', 'HEAD').trim(), uncommittedChanges: git('status', '--porcelain').trim() !== '' };
  } catch {
    return {};
  }
}

function round(value) {
  if (typeof value !== 'number') return value;
  return Math.abs(value) >= 100 ? Math.round(value) : Number(value.toPrecision(3));
}

function relative(path) {
  return path.startsWith(`${ROOT}/`) ? path.slice(ROOT.length + 1) : path;
}

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(2);
}
