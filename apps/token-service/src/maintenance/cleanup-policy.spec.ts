import { loadTokenServiceConfig } from '../config/token-service.config';
import { auditRetentionMs, cleanupLockName, nextRunDelayMs } from './cleanup-policy';

describe('nextRunDelayMs: the interval with ±20 % jitter', () => {
  it.each([
    // interval s, random, delay ms
    [300, 0, 240_000],
    [300, 0.5, 300_000],
    [300, 0.999999, 360_000],
    [1, 0, 800],
    [1, 0.25, 900],
    [86_400, 0.5, 86_400_000],
  ])('every %i s with random %f waits %i ms', (interval, random, delay) => {
    expect(nextRunDelayMs(interval, random)).toBe(delay);
  });

  it('schedules nothing when the interval is 0 (cleanup off)', () => {
    expect(nextRunDelayMs(0, 0.5)).toBeUndefined();
  });

  it('spreads instances apart: different random draws give different delays within the band', () => {
    const delays = [0.1, 0.4, 0.7, 0.9].map((r) => nextRunDelayMs(300, r)!);
    expect(new Set(delays).size).toBe(4);
    for (const d of delays) expect(d).toBeGreaterThanOrEqual(240_000);
    for (const d of delays) expect(d).toBeLessThanOrEqual(360_000);
  });
});

describe('cleanupLockName: one lock per database, within MySQL’s 64 characters', () => {
  it.each([
    ['tessera', 'tessera_cleanup.tessera'],
    ['tessera_h3_scratch_0a1b2c3d', 'tessera_cleanup.tessera_h3_scratch_0a1b2c3d'],
    ['d'.repeat(48), `tessera_cleanup.${'d'.repeat(48)}`],
  ])('%s → %s', (database, name) => {
    expect(cleanupLockName(database)).toBe(name);
  });

  it('hashes a name that would be too long, keeping two long databases apart', () => {
    const a = cleanupLockName(`${'x'.repeat(60)}a`);
    const b = cleanupLockName(`${'x'.repeat(60)}b`);
    expect(a).toMatch(/^tessera_cleanup\.[0-9a-f]{48}$/);
    expect(a).toHaveLength(64);
    expect(a).not.toBe(b);
  });
});

describe('CLEANUP_INTERVAL', () => {
  const load = (value?: string) => loadTokenServiceConfig({
    DATA_DIR: '/tmp/unused', KEY_ENCRYPTION_SECRET: 'k'.repeat(40), INTERNAL_API_SECRET: 'i'.repeat(40),
    ...(value === undefined ? {} : { CLEANUP_INTERVAL: value }),
  });

  it.each([
    [undefined, 300],
    ['0', 0],
    ['60', 60],
    ['86400', 86_400],
  ])('%s gives %i seconds', (value, seconds) => {
    expect(load(value).cleanupInterval).toBe(seconds);
  });

  it.each(['-1', '1.5', 'soon', '86401'])('refuses %s, naming the variable', (value) => {
    expect(() => load(value)).toThrow(/CLEANUP_INTERVAL/);
  });
});

describe('AUDIT_RETENTION_DAYS: how long the cleanup keeps audit events', () => {
  const load = (value?: string) => loadTokenServiceConfig({
    DATA_DIR: '/tmp/unused', KEY_ENCRYPTION_SECRET: 'k'.repeat(40), INTERNAL_API_SECRET: 'i'.repeat(40),
    ...(value === undefined ? {} : { AUDIT_RETENTION_DAYS: value }),
  });

  it.each([
    // variable, days, retention in ms (undefined: kept forever)
    [undefined, 0, undefined],
    ['0', 0, undefined],
    ['1', 1, 86_400_000],
    ['400', 400, 400 * 86_400_000],
    ['36500', 36_500, 36_500 * 86_400_000],
  ])('%s gives %i days, kept for %s ms', (value, days, retentionMs) => {
    expect(load(value).auditRetentionDays).toBe(days);
    expect(auditRetentionMs(load(value).auditRetentionDays)).toBe(retentionMs);
  });

  it.each(['-1', '1.5', 'forever', '36501'])('refuses %s, naming the variable', (value) => {
    expect(() => load(value)).toThrow(/AUDIT_RETENTION_DAYS/);
  });
});
