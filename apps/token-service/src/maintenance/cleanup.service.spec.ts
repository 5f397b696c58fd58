import { parseDatabaseUrl, withNamedLock } from '@tessera/database';
import { MetricsRegistry } from '@tessera/operations';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, EntityTarget, ObjectLiteral, Repository } from 'typeorm';
import { ScratchDatabase, scratchDatabase } from '../../../../test/support/scratch-database';
import { isSharedDatabase } from '../../../../test/support/test-database';
import { openTokenServiceDatabase } from '../database/database.module';
import { AuditEventRow } from '../audit/audit-event.entity';
import { TokenServiceConfig } from '../config/token-service.config';
import { AuthorizationFlow } from '../flow/authorization-flow.entity';
import { BackchannelDelivery, DeliveryStatus } from '../logout/backchannel/backchannel-delivery.entity';
import { LogoutRequest } from '../logout/logout-request.entity';
import { InitialAccessToken } from '../registration/initial-access-token.entity';
import { SsoSession } from '../sessions/sso-session.entity';
import { StatusList } from '../status-list/status-list.entity';
import { TokenStatus } from '../status-list/token-status.entity';
import { AuthorizationCode } from '../token/authorization-code.entity';
import { RefreshToken } from '../token/refresh-token.entity';
import { TokenGrant } from '../token/token-grant.entity';
import { CleanupLimits, cleanupLockName } from './cleanup-policy';
import { CleanupMetrics } from './cleanup.metrics';
import { Cleanup, CleanupOutcome } from './cleanup.service';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 10, 28, 12);
/** Expired long enough ago for every grace period (10 minutes for tokens, a day for sessions). */
const LONG_AGO = NOW - 2 * DAY;
/** Expired, but within the 10 minutes a verifier's clock tolerance may still accept the token. */
const JUST_NOW = NOW - MINUTE;
const LATER = NOW + HOUR;
const onMySql = isSharedDatabase();

// Rows as the app stores them, with only what a case needs set.
const flow = (id: string, expiresAt: number) => ({
  id, state: 'done' as const, browserHash: 'b', clientId: 'c', redirectUri: 'https://rp.example/cb', scope: 'openid',
  codeChallenge: 'x', createdAt: expiresAt - HOUR, expiresAt,
});
const logoutRequest = (id: string, expiresAt: number) => ({ id, challengeHash: id, browserHash: 'b', status: 'pending' as const, expiresAt });
const code = (id: string, expiresAt: number, fields: { usedAt?: number; grantId?: string } = {}) => ({
  codeHash: id, clientId: 'c', redirectUri: 'https://rp.example/cb', codeChallenge: 'x', scope: 'openid', subject: 's',
  authTime: NOW - DAY, amr: ['pwd'], claims: {}, sessionId: 's', expiresAt, usedAt: fields.usedAt ?? null, grantId: fields.grantId ?? null,
});
const session = (id: string, expiresAt: number, endedAt: number | null = null) => ({
  id, tokenHash: id, subject: 's', authTime: NOW - 3 * DAY, amr: ['pwd'], claims: {}, remember: false, createdAt: NOW - 3 * DAY, expiresAt, endedAt,
});
const grant = (id: string, sessionId: string) => ({
  id, clientId: 'c', subject: 's', scope: 'openid offline_access', claims: {}, authTime: NOW - 3 * DAY, amr: ['pwd'], sessionId,
  createdAt: NOW - 3 * DAY, revokedAt: null,
});
const refreshToken = (id: string, grantId: string, expiresAt: number, usedAt: number | null = null) => ({
  tokenHash: id, grantId, clientId: 'c', scope: 'openid', createdAt: NOW - 3 * DAY, expiresAt, usedAt,
});
const accessToken = (listId: string, idx: number, grantId: string | null, expiresAt: number, revokedAt: number | null = null) => ({
  listId, idx, grantId, kid: 'k', expiresAt, revokedAt,
});
const statusList = (id: string, fields: { size: number; nextIndex: number; maxExpiresAt: number }) => ({
  id, bits: 1, createdAt: NOW - 3 * DAY, ...fields,
});
/** A finished delivery's next_attempt_at is the end of its last attempt's lease: when it ended, give or take seconds. */
const delivery = (id: string, status: DeliveryStatus, nextAttemptAt: number) => ({
  id, sessionId: id, clientId: 'c', subject: 's', status, attempts: status === 'pending' ? 2 : 14, lastError: status === 'failed' ? 'http_503' : null,
  nextAttemptAt, createdAt: nextAttemptAt - HOUR, deliveredAt: status === 'delivered' ? nextAttemptAt - 30_000 : null,
});
const initialAccessToken = (id: string, expiresAt: number, fields: { revokedAt?: number; usesLeft?: number } = {}) => ({
  id, tokenHash: id, maxUses: 5, usesLeft: fields.usesLeft ?? 5, createdBy: 'admin-sub', createdAt: expiresAt - 30 * DAY, expiresAt,
  revokedAt: fields.revokedAt ?? null,
});
const auditEvent = (id: string, at: number) => ({
  id, at, type: 'user.created', actor: 'admin-sub', subject: 's', clientId: null, sessionId: null, ip: null, reason: null, details: null,
});

const TABLES: EntityTarget<ObjectLiteral>[] = [
  AuthorizationFlow, LogoutRequest, AuthorizationCode, RefreshToken, TokenGrant, SsoSession, StatusList, TokenStatus,
  BackchannelDelivery, InitialAccessToken, AuditEventRow,
];

describe(`the cleanup job on a real database (${onMySql ? 'MariaDB/MySQL' : 'SQLite'})`, () => {
  let tmpDir: string;
  let database: ScratchDatabase;
  let dataSource: DataSource;
  const clock = { now: () => NOW };
  type Settings = Pick<TokenServiceConfig, 'cleanupInterval' | 'auditRetentionDays'>;
  const cleanupOf = (ds: DataSource, limits: Partial<CleanupLimits> = {}, settings: Partial<Settings> = {}) =>
    new Cleanup({ cleanupInterval: 0, auditRetentionDays: 0, ...settings }, ds, clock, { pauseMs: 0, ...limits });
  const report = (outcome: CleanupOutcome) => {
    if (!outcome.ran) throw new Error('the pass was skipped');
    return outcome.report;
  };
  const insert = (entity: EntityTarget<ObjectLiteral>, rows: ObjectLiteral[]) => dataSource.getRepository(entity).insert(rows);
  /** The keys left in a table, sorted. */
  const left = async (entity: EntityTarget<ObjectLiteral>, key: string) =>
    (await dataSource.getRepository(entity).find()).map((row) => String(row[key])).sort();
  const statusesLeft = async () =>
    (await dataSource.getRepository(TokenStatus).find()).map((row) => `${row.listId}:${row.idx}`).sort();
  const openAnother = () => openTokenServiceDatabase({ database: parseDatabaseUrl(database.url) });

  beforeAll(async () => {
    tmpDir = await mkdtemp(join(tmpdir(), 'tessera-cleanup-'));
    // A database of its own: a pass deletes every expired row it finds, whoever wrote it.
    database = await scratchDatabase(tmpDir);
    dataSource = await openAnother();
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
    await rm(tmpDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    for (const entity of TABLES) await dataSource.getRepository(entity).clear();
  });

  it('deletes exactly the rows nobody can need any more, and keeps every live one', async () => {
    await insert(AuthorizationFlow, [flow('f-expired', LONG_AGO), flow('f-just-expired', JUST_NOW), flow('f-live', LATER)]);
    await insert(LogoutRequest, [logoutRequest('lr-expired', LONG_AGO), logoutRequest('lr-live', LATER)]);
    await insert(SsoSession, [
      session('s-expired', LONG_AGO),
      session('s-ended', LATER, NOW - 2 * DAY),
      session('s-ended-recently', LATER, NOW - HOUR),
      session('s-expired-recently', NOW - HOUR),
      session('s-live', LATER),
    ]);
    await insert(TokenGrant, [
      grant('g-done', 's-expired'), // every token expired, session gone
      grant('g-refresh', 's-expired'), // a refresh token that can still be used
      grant('g-rotated', 's-expired'), // a rotated refresh token whose reuse must still revoke the family
      grant('g-access', 's-expired'), // a revoked access token that has not expired
      grant('g-grace', 's-expired'), // an access token that expired a minute ago
      grant('g-session', 's-live'), // tokens expired, but its session is live (back-channel logout finds it)
      grant('g-ended-recently', 's-ended-recently'),
      grant('g-orphan', 's-ended'), // never issued a token
    ]);
    await insert(AuthorizationCode, [
      code('c-used', LONG_AGO, { usedAt: LONG_AGO - MINUTE, grantId: 'g-done' }),
      code('c-unused', LONG_AGO),
      code('c-consumed-live', NOW + 50_000, { usedAt: NOW - 10_000, grantId: 'g-access' }),
      code('c-just-expired', JUST_NOW),
    ]);
    await insert(RefreshToken, [
      refreshToken('r-done', 'g-done', LONG_AGO),
      refreshToken('r-live', 'g-refresh', LATER),
      refreshToken('r-rotated', 'g-rotated', LATER, NOW - HOUR),
      refreshToken('r-session', 'g-session', LONG_AGO),
    ]);
    await insert(StatusList, [
      statusList('l-retired', { size: 4, nextIndex: 4, maxExpiresAt: LONG_AGO }),
      statusList('l-full-live', { size: 4, nextIndex: 4, maxExpiresAt: LATER }),
      statusList('l-open', { size: 16, nextIndex: 8, maxExpiresAt: LATER }),
    ]);
    await insert(TokenStatus, [
      ...[0, 1, 2, 3].map((idx) => accessToken('l-retired', idx, null, LONG_AGO - HOUR, idx === 0 ? LONG_AGO - DAY : null)),
      accessToken('l-full-live', 0, null, LATER),
      accessToken('l-open', 0, 'g-done', LONG_AGO, LONG_AGO - HOUR),
      accessToken('l-open', 1, 'g-refresh', LONG_AGO),
      accessToken('l-open', 2, 'g-access', LATER, NOW - HOUR),
      accessToken('l-open', 3, 'g-grace', JUST_NOW, NOW - HOUR),
      accessToken('l-open', 4, null, LATER, NOW - HOUR),
      accessToken('l-open', 5, null, LONG_AGO),
      accessToken('l-open', 6, 'g-session', LONG_AGO),
      accessToken('l-open', 7, 'g-ended-recently', LONG_AGO),
    ]);

    const pass = report(await cleanupOf(dataSource).runOnce());

    expect(await left(AuthorizationFlow, 'id')).toEqual(['f-just-expired', 'f-live']);
    expect(await left(LogoutRequest, 'id')).toEqual(['lr-live']);
    expect(await left(AuthorizationCode, 'codeHash')).toEqual(['c-consumed-live', 'c-just-expired']);
    expect(await left(RefreshToken, 'tokenHash')).toEqual(['r-live', 'r-rotated']);
    expect(await statusesLeft()).toEqual(['l-full-live:0', 'l-open:2', 'l-open:3', 'l-open:4']);
    expect(await left(TokenGrant, 'id')).toEqual(['g-access', 'g-ended-recently', 'g-grace', 'g-refresh', 'g-rotated', 'g-session']);
    expect(await left(SsoSession, 'id')).toEqual(['s-ended-recently', 's-expired-recently', 's-live']);
    expect(await left(StatusList, 'id')).toEqual(['l-full-live', 'l-open']);
    expect(pass.deleted).toEqual({
      authorization_flows: 1, logout_requests: 1, authorization_codes: 2, refresh_tokens: 2, token_statuses: 9,
      token_grants: 2, sso_sessions: 2, status_lists: 1, backchannel_deliveries: 0, initial_access_tokens: 0, audit_events: 0,
    });
    expect(pass.capped).toEqual([]);

    // Nothing left to do: a second pass deletes nothing.
    expect(Object.values(report(await cleanupOf(dataSource).runOnce()).deleted).every((n) => n === 0)).toBe(true);
  });

  it('deletes a grant once the last thing that needed it is gone: here its session, a pass later', async () => {
    await insert(SsoSession, [session('s-1', NOW + 10 * MINUTE)]);
    await insert(TokenGrant, [grant('g-1', 's-1')]);
    await insert(RefreshToken, [refreshToken('r-1', 'g-1', LONG_AGO)]);
    await insert(TokenStatus, [accessToken('l-1', 0, 'g-1', LONG_AGO)]);

    expect(report(await cleanupOf(dataSource).runOnce()).deleted.token_grants).toBe(0);
    expect(await left(TokenGrant, 'id')).toEqual(['g-1']);
    expect(await left(RefreshToken, 'tokenHash')).toEqual([]);

    // Two days on, the session has expired past its grace: it goes, and its grant with it.
    const later = new Cleanup({ cleanupInterval: 0, auditRetentionDays: 0 }, dataSource, { now: () => NOW + 2 * DAY }, { pauseMs: 0 });
    const pass = report(await later.runOnce());
    expect(pass.deleted).toMatchObject({ sso_sessions: 1, token_grants: 1 });
    expect(await left(TokenGrant, 'id')).toEqual([]);
  });

  it('deletes back-channel deliveries a week after they were delivered or given up, and never a pending one', async () => {
    await insert(BackchannelDelivery, [
      delivery('d-delivered-long-ago', 'delivered', NOW - 8 * DAY),
      delivery('d-given-up-long-ago', 'failed', NOW - 8 * DAY),
      delivery('d-delivered-this-week', 'delivered', NOW - 6 * DAY),
      delivery('d-given-up-yesterday', 'failed', NOW - DAY),
      // Overdue (every instance was down, say), but still owed: the retry timer takes it.
      delivery('d-pending-overdue', 'pending', NOW - 8 * DAY),
      delivery('d-pending', 'pending', NOW + 2_000),
    ]);

    const pass = report(await cleanupOf(dataSource).runOnce());

    expect(await left(BackchannelDelivery, 'id')).toEqual(['d-delivered-this-week', 'd-given-up-yesterday', 'd-pending', 'd-pending-overdue']);
    expect(pass.deleted.backchannel_deliveries).toBe(2);
  });

  it('deletes initial access tokens 30 days after they expired or were revoked; the console lists the recent ones', async () => {
    await insert(InitialAccessToken, [
      initialAccessToken('iat-expired-long-ago', NOW - 31 * DAY),
      initialAccessToken('iat-revoked-long-ago', LATER, { revokedAt: NOW - 31 * DAY }),
      initialAccessToken('iat-revoked-then-expired', NOW - 40 * DAY, { revokedAt: NOW - 45 * DAY }),
      initialAccessToken('iat-expired-this-month', NOW - 29 * DAY),
      initialAccessToken('iat-revoked-yesterday', LATER, { revokedAt: NOW - DAY }),
      initialAccessToken('iat-used-up', LATER, { usesLeft: 0 }),
      initialAccessToken('iat-live', LATER),
    ]);

    const pass = report(await cleanupOf(dataSource).runOnce());

    expect(await left(InitialAccessToken, 'id')).toEqual(['iat-expired-this-month', 'iat-live', 'iat-revoked-yesterday', 'iat-used-up']);
    expect(pass.deleted.initial_access_tokens).toBe(3);
  });

  it('keeps every audit event when AUDIT_RETENTION_DAYS is 0, the default', async () => {
    await insert(AuditEventRow, [auditEvent('a-ten-years-old', NOW - 3650 * DAY), auditEvent('a-new', NOW - MINUTE)]);

    const pass = report(await cleanupOf(dataSource).runOnce());

    expect(await left(AuditEventRow, 'id')).toEqual(['a-new', 'a-ten-years-old']);
    expect(pass.deleted.audit_events).toBe(0);
  });

  it('deletes audit events older than AUDIT_RETENTION_DAYS, in batches, and keeps the rest', async () => {
    await insert(AuditEventRow, [
      ...Array.from({ length: 7 }, (_, i) => auditEvent(`a-old-${i}`, NOW - 91 * DAY - i * HOUR)),
      auditEvent('a-exactly-90-days', NOW - 90 * DAY),
      auditEvent('a-last-month', NOW - 30 * DAY),
    ]);

    const pass = report(await cleanupOf(dataSource, { batchSize: 3 }, { auditRetentionDays: 90 }).runOnce());

    expect(await left(AuditEventRow, 'id')).toEqual(['a-exactly-90-days', 'a-last-month']);
    expect(pass.deleted.audit_events).toBe(7);
    expect(pass.batches.audit_events).toBe(3);
  });

  it('works in batches: 10 expired rows with a batch size of 3 take 4 batches', async () => {
    await insert(AuthorizationFlow, Array.from({ length: 10 }, (_, i) => flow(`f-${i}`, LONG_AGO + i)));
    await insert(TokenStatus, Array.from({ length: 10 }, (_, i) => accessToken(i < 5 ? 'l-a' : 'l-b', i, null, LONG_AGO + i)));

    const pass = report(await cleanupOf(dataSource, { batchSize: 3 }).runOnce());

    expect(pass.deleted).toMatchObject({ authorization_flows: 10, token_statuses: 10 });
    expect(pass.batches).toMatchObject({ authorization_flows: 4, token_statuses: 4 });
    expect(await left(AuthorizationFlow, 'id')).toEqual([]);
    expect(await statusesLeft()).toEqual([]);
  });

  it('stops a table at the per-pass cap and says so; the next pass goes on from there', async () => {
    await insert(AuthorizationFlow, Array.from({ length: 10 }, (_, i) => flow(`f-${i}`, LONG_AGO + i)));
    await insert(LogoutRequest, [logoutRequest('lr-expired', LONG_AGO)]);
    const cleanup = cleanupOf(dataSource, { batchSize: 3, maxRowsPerTable: 5 });

    const first = report(await cleanup.runOnce());
    expect(first.deleted).toMatchObject({ authorization_flows: 5, logout_requests: 1 });
    expect(first.capped).toEqual(['authorization_flows']);
    // The oldest went first.
    expect(await left(AuthorizationFlow, 'id')).toEqual(['f-5', 'f-6', 'f-7', 'f-8', 'f-9']);

    const second = report(await cleanup.runOnce());
    expect(second.deleted.authorization_flows).toBe(5);
    expect(second.capped).toEqual([]);
    expect(await left(AuthorizationFlow, 'id')).toEqual([]);
  });

  it('reports each pass in its metrics: rows by table and the last duration', async () => {
    await insert(AuthorizationFlow, Array.from({ length: 4 }, (_, i) => flow(`f-${i}`, LONG_AGO)));
    const registry = new MetricsRegistry();
    const cleanup = cleanupOf(dataSource);
    cleanup.reportTo(new CleanupMetrics(registry));
    expect(await registry.render()).not.toMatch(/^tessera_cleanup_last_run_duration_seconds /m);

    await cleanup.runOnce();

    const text = await registry.render();
    expect(text).toContain('tessera_cleanup_rows_deleted_total{table="authorization_flows"} 4');
    expect(text).toContain('tessera_cleanup_rows_deleted_total{table="token_grants"} 0');
    expect(text).toContain('tessera_cleanup_runs_skipped_total 0');
    expect(text).toMatch(/^tessera_cleanup_last_run_duration_seconds \d+(\.\d+)?$/m);
  });

  it('runs on its own timer, every CLEANUP_INTERVAL seconds', async () => {
    await insert(AuthorizationFlow, [flow('f-expired', LONG_AGO)]);
    const cleanup = cleanupOf(dataSource, {}, { cleanupInterval: 1 });
    cleanup.onApplicationBootstrap();
    try {
      for (let waited = 0; (await left(AuthorizationFlow, 'id')).length > 0 && waited < 10_000; waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(await left(AuthorizationFlow, 'id')).toEqual([]);
    } finally {
      await cleanup.onModuleDestroy();
    }
  });

  it('stops a running pass at its next batch when the app shuts down', async () => {
    await insert(AuthorizationFlow, Array.from({ length: 30 }, (_, i) => flow(`f-${i}`, LONG_AGO + i)));
    const cleanup = cleanupOf(dataSource, { batchSize: 3, pauseMs: 200 });
    const running = cleanup.runOnce();
    await cleanup.onModuleDestroy();

    const pass = report(await running);
    expect(pass.deleted.authorization_flows).toBeLessThan(30);
    expect((await left(AuthorizationFlow, 'id')).length).toBe(30 - pass.deleted.authorization_flows);
  });

  if (onMySql) {
    it('two instances at once: one cleans, the other skips and counts it; the lock is free again afterwards', async () => {
      await insert(AuthorizationFlow, Array.from({ length: 12 }, (_, i) => flow(`f-${i}`, LONG_AGO + i)));
      const other = await openAnother();
      try {
        // Pauses between batches keep the first pass holding the lock while the second one asks.
        const instances = [cleanupOf(dataSource, { batchSize: 3, pauseMs: 150 }), cleanupOf(other, { batchSize: 3, pauseMs: 150 })];
        const registries = instances.map((instance) => {
          const registry = new MetricsRegistry();
          instance.reportTo(new CleanupMetrics(registry));
          return registry;
        });

        const outcomes = await Promise.all(instances.map((instance) => instance.runOnce()));

        const ran = outcomes.filter((o) => o.ran);
        expect(ran).toHaveLength(1);
        expect(report(ran[0]).deleted.authorization_flows).toBe(12);
        const skipped = outcomes.findIndex((o) => !o.ran);
        expect(await registries[skipped].render()).toContain('tessera_cleanup_runs_skipped_total 1');
        expect(await left(AuthorizationFlow, 'id')).toEqual([]);

        // Released in finally: the instance that skipped gets it now.
        expect((await instances[skipped].runOnce()).ran).toBe(true);
      } finally {
        await other.destroy();
      }
    });

    it('skips without waiting while another session holds the lock, and releases it when a pass fails', async () => {
      await insert(AuthorizationFlow, [flow('f-expired', LONG_AGO)]);
      const cleanup = cleanupOf(dataSource);
      const lock = cleanupLockName(String(dataSource.options.database));
      const held = await withNamedLock(dataSource, lock, 0, () => cleanup.runOnce());
      expect(held).toEqual({ acquired: true, value: { ran: false } });
      expect(await left(AuthorizationFlow, 'id')).toEqual(['f-expired']);

      // The pass's first query fails, after the lock was taken.
      const find = jest.spyOn(Repository.prototype, 'find').mockRejectedValueOnce(new Error('the database went away'));
      await expect(cleanup.runOnce()).rejects.toThrow('the database went away');
      find.mockRestore();
      expect(report(await cleanup.runOnce()).deleted.authorization_flows).toBe(1);
    });
  } else {
    it('two instances at once over one SQLite file: both run (no lock), and each row is deleted once', async () => {
      await insert(AuthorizationFlow, Array.from({ length: 12 }, (_, i) => flow(`f-${i}`, LONG_AGO + i)));
      const other = await openAnother();
      try {
        const outcomes = await Promise.all([
          cleanupOf(dataSource, { batchSize: 3, pauseMs: 20 }).runOnce(),
          cleanupOf(other, { batchSize: 3, pauseMs: 20 }).runOnce(),
        ]);
        expect(outcomes.every((o) => o.ran)).toBe(true);
        expect(outcomes.map((o) => report(o).deleted.authorization_flows).reduce((a, b) => a + b)).toBe(12);
        expect(await left(AuthorizationFlow, 'id')).toEqual([]);
      } finally {
        await other.destroy();
      }
    });
  }
});
