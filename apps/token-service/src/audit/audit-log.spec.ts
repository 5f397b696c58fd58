import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AuditEvent, AuditEventType } from '@tessera/contracts';
import { DataSourceCloser } from '@tessera/database';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { openMigratedDatabase } from '../../../../test/support/migrated-database';
import { ScratchDatabase, scratchDatabase } from '../../../../test/support/scratch-database';
import { AuditEvents1764300330000 } from '../migrations/1764300330000-audit-events';
import { InvalidAuditCursor } from './audit-cursor';
import { AuditEventRow } from './audit-event.entity';
import { AuditEventRepository } from './audit-event.repository';
import { AUDIT_BUFFER_LIMIT, AuditLog } from './audit-log';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 28, 10, 0, 0);
const JWT = 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWJ5dGVz';
const unique = (prefix: string) => `${prefix}-${randomBytes(6).toString('hex')}`;

describe('AuditLog on a real database', () => {
  let tmpDir: string;
  let database: ScratchDatabase;
  let dataSource: DataSource;
  let audit: AuditLog;
  const open = () => openMigratedDatabase(database.url, { entities: [AuditEventRow], migrations: [AuditEvents1764300330000] });
  /** Every page of a query, followed by its cursors. */
  const allPages = async (filter: Parameters<AuditLog['query']>[0], limit: number): Promise<AuditEvent[][]> => {
    const pages: AuditEvent[][] = [];
    let cursor: string | undefined;
    do {
      const page = await audit.query(filter, { limit, cursor });
      pages.push(page.items);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return pages;
  };
  const storedText = async (where: string, value: string) =>
    JSON.stringify(await dataSource.getRepository(AuditEventRow).createQueryBuilder('e').where(`e.${where} = :value`, { value }).getMany());

  beforeAll(async () => {
    tmpDir = await mkdtemp(join(tmpdir(), 'tessera-audit-'));
    database = await scratchDatabase(tmpDir);
    dataSource = await open();
    audit = new AuditLog(dataSource);
  });

  afterAll(async () => {
    await audit?.flush();
    await dataSource?.destroy();
    await database?.drop();
    await rm(tmpDir, { recursive: true, force: true });
  });

  afterEach(() => jest.restoreAllMocks());

  it('writes many events in few multi-row INSERTs, and every one of them arrives', async () => {
    const append = jest.spyOn(AuditEventRepository.prototype, 'append');
    const actor = unique('batch');
    for (let i = 0; i < 250; i++) audit.record({ type: 'token.issued', actor, details: { n: i } }, T0 + i);
    await audit.flush();
    expect(append).toHaveBeenCalledTimes(3);
    const stored = (await allPages({ actor }, 200)).flat();
    expect(stored.map((e) => e.details?.n)).toEqual(Array.from({ length: 250 }, (_, i) => 249 - i));
  });

  it('writes a lone event within the flush delay, without being asked', async () => {
    const subject = unique('lone');
    audit.record({ type: 'logout', subject });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await audit.query({ subject }, { limit: 10 })).items).toHaveLength(1);
  });

  it('answers an event as it was recorded, with its id and time', async () => {
    const subject = unique('sub');
    audit.record({
      type: 'consent.granted', actor: subject, subject, clientId: 'client-1', sessionId: 'session-1', ip: '2001:db8::7', reason: 'asked',
      details: { scope: 'openid profile', remember: true, count: 3, none: null },
    }, T0);
    await audit.flush();
    const { items, next_cursor } = await audit.query({ subject }, { limit: 50 });
    expect(next_cursor).toBeNull();
    expect(items).toEqual([{
      id: expect.stringMatching(/^[0-9a-f]{32}$/), at: T0, type: 'consent.granted', actor: subject, subject, clientId: 'client-1',
      sessionId: 'session-1', ip: '2001:db8::7', reason: 'asked', details: { scope: 'openid profile', remember: true, count: 3, none: null },
    }]);
  });

  it('pages newest first through events of one millisecond, each exactly once, unmoved by newer ones', async () => {
    const subject = unique('keyset');
    for (let i = 0; i < 7; i++) audit.record({ type: 'sign_in.failed', subject, details: { n: i } }, T0);
    audit.record({ type: 'sign_in.succeeded', subject }, T0 + 1);
    await audit.flush();

    const first = await audit.query({ subject }, { limit: 3 });
    // Newer events arriving meanwhile do not shift the pages that follow (keyset, not offset).
    audit.record({ type: 'logout', subject }, T0 + 2);
    await audit.flush();
    const rest = (await allPages({ subject }, 3)).flat().filter((e) => e.at <= T0 + 1);
    expect(first.items.map((e) => e.type)).toEqual(['sign_in.succeeded', 'sign_in.failed', 'sign_in.failed']);
    const second = await audit.query({ subject }, { limit: 3, cursor: first.next_cursor! });
    const third = await audit.query({ subject }, { limit: 3, cursor: second.next_cursor! });
    expect(third.next_cursor).toBeNull();
    const paged = [...first.items, ...second.items, ...third.items];
    expect(paged.map((e) => e.details?.n ?? 'ok')).toEqual(['ok', 6, 5, 4, 3, 2, 1, 0]);
    expect(new Set(paged.map((e) => e.id)).size).toBe(8);
    expect(rest.map((e) => e.id)).toEqual(paged.map((e) => e.id));
  });

  it('filters by type, subject, client, actor and time, alone and together', async () => {
    const alice = unique('alice');
    const bob = unique('bob');
    const client = unique('client');
    const events: [AuditEventType, string, string | null, number][] = [
      ['sign_in.succeeded', alice, null, T0],
      ['token.issued', alice, client, T0 + 1000],
      ['token.refreshed', alice, client, T0 + 2000],
      ['token.issued', bob, client, T0 + 3000],
      ['token.revoked', bob, client, T0 + 4000],
      ['logout', bob, null, T0 + 5000],
    ];
    for (const [type, subject, clientId, at] of events) audit.record({ type, actor: subject === alice ? alice : `client:${client}`, subject, clientId }, at);
    await audit.flush();
    const types = async (filter: Parameters<AuditLog['query']>[0]) =>
      (await audit.query({ ...filter, since: filter.since ?? T0, until: filter.until ?? T0 + 6000 }, { limit: 200 })).items
        .filter((e) => e.subject === alice || e.subject === bob).map((e) => `${e.type} ${e.subject === alice ? 'alice' : 'bob'}`);

    expect(await types({ subject: alice })).toEqual(['token.refreshed alice', 'token.issued alice', 'sign_in.succeeded alice']);
    expect(await types({ clientId: client })).toEqual(['token.revoked bob', 'token.issued bob', 'token.refreshed alice', 'token.issued alice']);
    expect(await types({ actor: alice })).toEqual(['token.refreshed alice', 'token.issued alice', 'sign_in.succeeded alice']);
    expect(await types({ types: ['token.issued', 'logout'], clientId: client })).toEqual(['token.issued bob', 'token.issued alice']);
    expect(await types({ types: ['token.issued', 'logout'], subject: bob })).toEqual(['logout bob', 'token.issued bob']);
    // since is inclusive, until exclusive.
    expect(await types({ clientId: client, since: T0 + 2000, until: T0 + 4000 })).toEqual(['token.issued bob', 'token.refreshed alice']);
    expect(await types({ subject: alice, clientId: client, types: ['token.refreshed'] })).toEqual(['token.refreshed alice']);
    expect(await types({ subject: unique('nobody') })).toEqual([]);
  });

  it('counts events by type and hour for the dashboard chart', async () => {
    const day = Date.UTC(2031, 0, 1);
    for (const [type, at] of [
      ['sign_in.succeeded', day + 5], ['sign_in.succeeded', day + HOUR - 1], ['sign_in.failed', day + 10],
      ['sign_in.succeeded', day + 2 * HOUR + 7], ['token.issued', day + 20], ['sign_in.failed', day - 1],
    ] as [AuditEventType, number][]) audit.record({ type, actor: unique('chart') }, at);
    await audit.flush();
    expect(await audit.countsByHour(['sign_in.succeeded', 'sign_in.failed'], day)).toEqual([
      { hour: day, type: 'sign_in.failed', count: 1 },
      { hour: day, type: 'sign_in.succeeded', count: 2 },
      { hour: day + 2 * HOUR, type: 'sign_in.succeeded', count: 1 },
    ]);
    expect(await audit.countsByHour([], day)).toEqual([]);
  });

  it.each([
    ['garbage', 'not a cursor'],
    ['base64url of something else', Buffer.from('1.abc').toString('base64url')],
    ['too long', 'A'.repeat(200)],
  ])('refuses a cursor that is %s', async (_case, cursor) => {
    await expect(audit.query({}, { limit: 10, cursor })).rejects.toThrow(InvalidAuditCursor);
  });

  it('never stores a JWT or an opaque secret, wherever a caller puts one', async () => {
    const subject = unique('secretive');
    const opaque = randomBytes(32).toString('base64url');
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    audit.record({ type: 'token.revoked', subject, reason: opaque, details: { jti: JWT, refresh_token: 'short-but-named', kid: opaque, note: `see ${JWT}` } }, T0);
    await audit.flush();
    const stored = await storedText('subject', subject);
    expect(stored).not.toContain(JWT.split('.')[1]);
    expect(stored).not.toContain('short-but-named');
    expect(stored).not.toMatch(new RegExp(`"reason":"${opaque}"`));
    const [event] = (await audit.query({ subject }, { limit: 1 })).items;
    expect(event.reason).toBe('[redacted]');
    // A kid is the one thumbprint-shaped value allowed, and only under that name.
    expect(event.details).toEqual({ jti: '[redacted]', refresh_token: '[redacted]', kid: opaque, note: '[redacted]' });
    expect(warn.mock.calls.map(([message]) => String(message))).toContainEqual(expect.stringContaining('redacted reason, details.jti'));
    expect(warn.mock.calls.flat().join(' ')).not.toContain(opaque.slice(0, 20));
  });

  it('ignores an event of an unknown type instead of failing the caller', async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const subject = unique('unknown-type');
    expect(() => audit.record({ type: 'token.minted' as AuditEventType, subject })).not.toThrow();
    await audit.flush();
    expect((await audit.query({ subject }, { limit: 10 })).items).toEqual([]);
  });

  it(`holds at most ${AUDIT_BUFFER_LIMIT} events while the database lags, and counts what it drops`, async () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const own = new AuditLog(dataSource);
    const actor = unique('flood');
    // All in one turn of the event loop: nothing can be written meanwhile.
    for (let i = 0; i < AUDIT_BUFFER_LIMIT + 50; i++) own.record({ type: 'sign_in.failed', actor }, T0);
    expect(own.losses()).toContainEqual({ reason: 'buffer_full', count: 50 });
    expect(error).toHaveBeenCalledTimes(1);
    await own.flush();
    const [{ count }] = await dataSource.query(`SELECT COUNT(*) AS count FROM audit_events WHERE actor = ?`, [actor]) as { count: string | number }[];
    expect(Number(count)).toBe(AUDIT_BUFFER_LIMIT);
  });

  it('retries a failed write once, then counts the events as lost and logs it without their content', async () => {
    const broken = await open();
    const own = new AuditLog(broken);
    await broken.destroy();
    const logged = [jest.spyOn(Logger.prototype, 'warn'), jest.spyOn(Logger.prototype, 'error')].map((spy) => spy.mockImplementation(() => undefined));
    const subject = unique('lost');
    own.record({ type: 'logout', subject, details: { grant: 'grant-xyz' } });
    own.record({ type: 'logout', subject });
    await own.flush();
    expect(own.losses()).toContainEqual({ reason: 'write_failed', count: 2 });
    const [warnings, errors] = logged.map((spy) => spy.mock.calls.map(([message]) => String(message)));
    expect(warnings).toEqual([expect.stringMatching(/^audit write of 2 events failed .*retrying once$/)]);
    expect(errors).toEqual([expect.stringMatching(/^2 audit events lost: the write failed twice/)]);
    expect([...warnings, ...errors].join(' ')).not.toMatch(new RegExp(`${subject}|grant-xyz|logout`));
  });

  it('writes out what is queued when the app shuts down, before its database is closed', async () => {
    const appDataSource = await open();
    const app = await Test.createTestingModule({
      providers: [{ provide: DataSource, useValue: appDataSource }, DataSourceCloser, AuditLog],
    }).compile();
    await app.init();
    const subject = unique('shutdown');
    for (let i = 0; i < 5; i++) app.get(AuditLog).record({ type: 'logout', subject, details: { n: i } }, T0 + i);
    await app.close();
    expect(appDataSource.isInitialized).toBe(false);
    expect((await audit.query({ subject }, { limit: 10 })).items).toHaveLength(5);
  });
});
