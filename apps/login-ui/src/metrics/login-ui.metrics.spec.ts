import { ConcurrencyGate } from '@tessera/abuse';
import { parseDatabaseUrl } from '@tessera/database';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { testDatabaseUrl } from '../../../../test/support/test-database';
import { openLoginUiDatabase } from '../database/database.module';
import { PasswordHasher } from '../users/password-hasher';
import { UserEntity } from '../users/user.entity';
import { UserRepository } from '../users/user.repository';
import { Users, UsersOptions } from '../users/users.service';
import { LoginUiMetrics } from './login-ui.metrics';

/** `name{labels}` → value, from the Prometheus text the registry renders. */
async function samples(metrics: LoginUiMetrics): Promise<Map<string, number>> {
  const map = new Map<string, number>();
  for (const line of (await metrics.registry.render()).split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match) map.set(match[1], Number(match[2]));
  }
  return map;
}

describe('login UI metrics fed by the user directory (real database)', () => {
  let tmp: string;
  let dataSource: DataSource;
  const password = 'correct horse battery';
  // The database may be shared (MariaDB in CI): every test uses names of its own.
  const unique = () => `m${randomUUID().slice(0, 8)}`;
  const now = Date.now();

  function directory(options: UsersOptions = {}): { users: Users; metrics: LoginUiMetrics } {
    const metrics = new LoginUiMetrics();
    const users = new Users(new UserRepository(dataSource), new PasswordHasher(), {
      now: () => now,
      lockout: { maxFailures: 3, waitSeconds: 60, maxWaitSeconds: 900, resetSeconds: 3600 },
      events: metrics,
      ...options,
    });
    return { users, metrics };
  }

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'tessera-login-metrics-'));
    dataSource = await openLoginUiDatabase({ database: parseDatabaseUrl(testDatabaseUrl(tmp)) });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('starts every outcome series at 0, so the first sign-in is a visible increase', async () => {
    const values = await samples(directory().metrics);
    for (const outcome of ['success', 'bad_credentials', 'unknown_account', 'locked', 'disabled', 'unavailable']) {
      expect(values.get(`tessera_sign_ins_total{outcome="${outcome}"}`)).toBe(0);
    }
    expect(values.get('tessera_lockouts_total')).toBe(0);
    expect(values.get('tessera_argon2_gate_rejections_total')).toBe(0);
  });

  it('tells an unknown account and a disabled one apart, though the person sees the same refusal', async () => {
    const { users, metrics } = directory();
    const disabled = await users.create({ username: unique(), password });
    await dataSource.getRepository(UserEntity).update({ id: disabled.id }, { disabled: true });

    expect(await users.verifyCredentials(unique(), password)).toBeNull();
    expect(await users.verifyCredentials(disabled.username, password)).toBeNull();

    const values = await samples(metrics);
    expect(values.get('tessera_sign_ins_total{outcome="unknown_account"}')).toBe(1);
    expect(values.get('tessera_sign_ins_total{outcome="disabled"}')).toBe(1);
    expect(values.get('tessera_sign_ins_total{outcome="bad_credentials"}')).toBe(0);
  });

  it('counts one lockout when concurrent wrong passwords cross the threshold together', async () => {
    const { users, metrics } = directory();
    const user = await users.create({ username: unique(), password });

    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => users.verifyCredentials(user.username, `wrong-${i}`)));
    expect(results).toEqual(Array(6).fill(null));

    const values = await samples(metrics);
    // Three attempts were counted and checked; the rest found the account locked, unchecked.
    expect(values.get('tessera_sign_ins_total{outcome="bad_credentials"}')).toBe(3);
    expect(values.get('tessera_sign_ins_total{outcome="locked"}')).toBe(3);
    expect(values.get('tessera_lockouts_total')).toBe(1);
  });

  it('counts no lockout when the attempt that reached the threshold had the right password', async () => {
    const { users, metrics } = directory();
    const user = await users.create({ username: unique(), password });
    await users.verifyCredentials(user.username, 'wrong-1');
    await users.verifyCredentials(user.username, 'wrong-2');
    expect((await users.verifyCredentials(user.username, password))?.id).toBe(user.id);

    const values = await samples(metrics);
    expect(values.get('tessera_sign_ins_total{outcome="success"}')).toBe(1);
    expect(values.get('tessera_lockouts_total')).toBe(0);
  });

  it('counts a refusal of the full argon2 gate both as a rejection and as an undecided sign-in', async () => {
    const { users, metrics } = directory({ gate: new ConcurrencyGate({ maxConcurrent: 1, maxQueue: 0 }) });
    const user = await users.create({ username: unique(), password });

    const results = await Promise.allSettled([users.verifyCredentials(user.username, password), users.verifyCredentials(user.username, password)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);

    const values = await samples(metrics);
    expect(values.get('tessera_argon2_gate_rejections_total')).toBe(1);
    expect(values.get('tessera_sign_ins_total{outcome="unavailable"}')).toBe(1);
    expect(values.get('tessera_sign_ins_total{outcome="success"}')).toBe(1);
  });
});
