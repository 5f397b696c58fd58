/**
 * A small Prometheus registry: counters, histograms and gauges read at scrape time, rendered in
 * the text exposition format 0.0.4. Label values are the caller's to keep bounded: a route
 * pattern, a status, a grant type — never a raw path, a user or a client id.
 */
export type Labels = Record<string, string>;

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

interface Metric {
  render(): string[] | Promise<string[]>;
}

type Sample = { labels?: Labels; value: number };

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

export class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();

  constructor(readonly name: string, readonly help: string) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(labels);
    const entry = this.values.get(key) ?? { labels, value: 0 };
    entry.value += by;
    this.values.set(key, entry);
  }

  /** The current value for these labels (0 when never incremented). */
  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels))?.value ?? 0;
  }

  render(): string[] {
    return [
      `# HELP ${this.name} ${escapeHelp(this.help)}`,
      `# TYPE ${this.name} counter`,
      ...[...this.values.values()].map((e) => `${this.name}${formatLabels(e.labels)} ${formatNumber(e.value)}`),
    ];
  }
}

export class Histogram {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();

  constructor(readonly name: string, readonly help: string, readonly buckets: number[]) {}

  observe(labels: Labels, value: number): void {
    const key = labelKey(labels);
    let entry = this.series.get(key);
    if (!entry) {
      entry = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, entry);
    }
    this.buckets.forEach((bound, i) => {
      if (value <= bound) entry.counts[i] += 1;
    });
    entry.sum += value;
    entry.count += 1;
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} histogram`];
    for (const e of this.series.values()) {
      this.buckets.forEach((bound, i) => {
        lines.push(`${this.name}_bucket${formatLabels({ ...e.labels, le: formatNumber(bound) })} ${e.counts[i]}`);
      });
      lines.push(`${this.name}_bucket${formatLabels({ ...e.labels, le: '+Inf' })} ${e.count}`);
      lines.push(`${this.name}_sum${formatLabels(e.labels)} ${formatNumber(e.sum)}`);
      lines.push(`${this.name}_count${formatLabels(e.labels)} ${e.count}`);
    }
    return lines;
  }
}

/** A gauge read when scraped, so it is never stale: pool sizes, key ages. */
export class Gauge {
  constructor(readonly name: string, readonly help: string, private readonly read: () => Sample[] | Promise<Sample[]>) {}

  async render(): Promise<string[]> {
    let samples: Sample[];
    try {
      samples = await this.read();
    } catch {
      samples = []; // a gauge that cannot be read now is absent from this scrape, not a failed scrape
    }
    return [
      `# HELP ${this.name} ${escapeHelp(this.help)}`,
      `# TYPE ${this.name} gauge`,
      ...samples.map((s) => `${this.name}${formatLabels(s.labels ?? {})} ${formatNumber(s.value)}`),
    ];
  }
}

/**
 * The metrics of one process.
 *
 * @example
 * ```ts
 * const registry = new MetricsRegistry();
 * const issued = registry.counter('tessera_tokens_issued_total', 'Token responses by grant type');
 * issued.inc({ grant_type: 'refresh_token' });
 * res.type(PROMETHEUS_CONTENT_TYPE).send(await registry.render());
 * ```
 */
export class MetricsRegistry {
  private readonly metrics = new Map<string, Metric>();

  counter(name: string, help: string): Counter {
    return this.add(new Counter(name, help));
  }

  histogram(name: string, help: string, buckets: number[]): Histogram {
    return this.add(new Histogram(name, help, [...buckets].sort((a, b) => a - b)));
  }

  gauge(name: string, help: string, read: () => Sample[] | Promise<Sample[]>): Gauge {
    return this.add(new Gauge(name, help, read));
  }

  async render(): Promise<string> {
    const parts = await Promise.all([...this.metrics.values()].map((m) => m.render()));
    return `${parts.flat().join('\n')}\n`;
  }

  private add<T extends Metric & { name: string }>(metric: T): T {
    if (!NAME.test(metric.name)) throw new TypeError(`"${metric.name}" is not a Prometheus metric name`);
    if (this.metrics.has(metric.name)) throw new TypeError(`metric "${metric.name}" is registered twice`);
    this.metrics.set(metric.name, metric);
    return metric;
  }
}

function labelKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}

function formatLabels(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`).join(',')}}`;
}

function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}
