import { ConfigError } from '@tessera/config';
import { cookieName, JsonLogger, MetricsRegistry, readOperationsConfig, requestId } from './index';

describe('transport rule (readOperationsConfig)', () => {
  const check = (env: Record<string, string>, url: string) => () => readOperationsConfig(env, { ISSUER: url });

  it.each([
    ['https://id.example.com'],
    ['http://localhost:3000'],
    ['http://127.0.0.1:3000'],
    ['http://[::1]:3000'],
  ])('starts in production with %s', (url) => {
    expect(check({ NODE_ENV: 'production' }, url)).not.toThrow();
  });

  it('refuses a plain-http public URL in production, naming the variable', () => {
    expect(check({ NODE_ENV: 'production' }, 'http://id.example.com')).toThrow(ConfigError);
    expect(check({ NODE_ENV: 'production' }, 'http://id.example.com')).toThrow(/^ISSUER: must be an https URL/);
    // A look-alike of loopback is not loopback.
    expect(check({ NODE_ENV: 'production' }, 'http://127.0.0.1.example.com')).toThrow(/^ISSUER: /);
  });

  it('allows plain http outside production, and in production only with ALLOW_INSECURE_HTTP=true', () => {
    expect(check({ NODE_ENV: 'development' }, 'http://tessera:3000')).not.toThrow();
    expect(check({ NODE_ENV: 'production', ALLOW_INSECURE_HTTP: 'true' }, 'http://tessera:3000')).not.toThrow();
    expect(check({ NODE_ENV: 'production', ALLOW_INSECURE_HTTP: 'false' }, 'http://tessera:3000')).toThrow(/^ISSUER: /);
    expect(check({ NODE_ENV: 'production', ALLOW_INSECURE_HTTP: 'yes' }, 'http://tessera:3000')).toThrow(/^ALLOW_INSECURE_HTTP: /);
  });

  it('reads the shutdown bound and refuses a short metrics token', () => {
    expect(readOperationsConfig({}, {}).shutdownTimeoutMs).toBe(10_000);
    expect(readOperationsConfig({ SHUTDOWN_TIMEOUT: '3' }, {}).shutdownTimeoutMs).toBe(3000);
    expect(() => readOperationsConfig({ METRICS_TOKEN: 'short' }, {})).toThrow(/^METRICS_TOKEN: /);
  });
});

describe('cookie names', () => {
  it('carry the __Host- prefix only on https origins', () => {
    expect(cookieName('tessera_sso', true)).toBe('__Host-tessera_sso');
    expect(cookieName('tessera_sso', false)).toBe('tessera_sso');
  });
});

describe('request ids', () => {
  it('honour a plain incoming id and replace anything else with a fresh UUID', () => {
    expect(requestId('abc-123_X.y')).toBe('abc-123_X.y');
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    for (const bad of [undefined, '', 'a'.repeat(65), 'a b', 'x"}\n{"level":"fatal', ['a', 'b']]) {
      expect(requestId(bad as string | string[] | undefined)).toMatch(uuid);
    }
  });
});

describe('JsonLogger', () => {
  const capture = () => {
    const lines: string[] = [];
    const logger = new JsonLogger({ service: 'svc', sink: (l) => lines.push(l), now: () => new Date('2030-01-01T00:00:00Z') });
    return { lines, logger, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
  };

  it('writes Nest log calls as one JSON line with time, level, msg and context', () => {
    const { logger, parsed } = capture();
    logger.log('started', 'Bootstrap');
    logger.error('boom', 'Error: boom\n    at x', 'OAuth');
    logger.debug('hidden by default', 'X');
    expect(parsed()).toEqual([
      { time: '2030-01-01T00:00:00.000Z', level: 'info', msg: 'started', context: 'Bootstrap', service: 'svc' },
      { time: '2030-01-01T00:00:00.000Z', level: 'error', msg: 'boom', context: 'OAuth', service: 'svc', stack: 'Error: boom\n    at x' },
    ]);
  });

  it('cuts anything shaped like a JWT out of a message', () => {
    const { logger, lines } = capture();
    logger.warn('bad token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl here', 'X');
    expect(lines[0]).not.toContain('eyJ');
    expect(lines[0]).toContain('[redacted-jwt]');
  });

  it('cannot be made to forge a second line or field by its message', () => {
    const { logger, lines, parsed } = capture();
    logger.log('a"}\n{"level":"fatal","msg":"forged', 'X');
    expect(lines).toHaveLength(1);
    expect(parsed()[0].level).toBe('info');
  });
});

describe('MetricsRegistry', () => {
  it('renders counters, histograms and gauges in the Prometheus text format', async () => {
    const registry = new MetricsRegistry();
    registry.counter('t_requests_total', 'Requests').inc({ route: '/a"b' });
    registry.histogram('t_duration_seconds', 'Duration', [0.1, 1]).observe({ route: '/a' }, 0.5);
    registry.gauge('t_age_seconds', 'Age', async () => [{ labels: { kid: 'k1' }, value: 42 }]);
    registry.gauge('t_broken', 'Broken', () => { throw new Error('database down'); });
    expect(await registry.render()).toBe([
      '# HELP t_requests_total Requests',
      '# TYPE t_requests_total counter',
      't_requests_total{route="/a\\"b"} 1',
      '# HELP t_duration_seconds Duration',
      '# TYPE t_duration_seconds histogram',
      't_duration_seconds_bucket{route="/a",le="0.1"} 0',
      't_duration_seconds_bucket{route="/a",le="1"} 1',
      't_duration_seconds_bucket{route="/a",le="+Inf"} 1',
      't_duration_seconds_sum{route="/a"} 0.5',
      't_duration_seconds_count{route="/a"} 1',
      '# HELP t_age_seconds Age',
      '# TYPE t_age_seconds gauge',
      't_age_seconds{kid="k1"} 42',
      '# HELP t_broken Broken',
      '# TYPE t_broken gauge',
      '',
    ].join('\n'));
  });

  it('refuses a bad or repeated metric name', () => {
    const registry = new MetricsRegistry();
    registry.counter('ok_total', 'x');
    expect(() => registry.counter('ok_total', 'x')).toThrow(/twice/);
    expect(() => registry.counter('bad-name', 'x')).toThrow(/not a Prometheus metric name/);
  });
});
