import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { testDatabaseUrl } from '../../../test/support/test-database';
import { createDataSource } from './data-source.factory';
import { parseDatabaseUrl } from './database-url';
import { MultiRowInsert } from './multi-row-insert';

describe('MultiRowInsert (on SQLite, or on MariaDB when DATABASE_URL names it)', () => {
  let tmp: string;
  let dataSource: DataSource;
  // A table of this test's own, so a shared MariaDB database is left as it was.
  const table = `multi_row_insert_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'tessera-multi-row-'));
    dataSource = createDataSource({ target: parseDatabaseUrl(testDatabaseUrl(tmp)), entities: [], migrations: [], migrationsTableName: 'migrations' });
    await dataSource.initialize();
    await dataSource.query(`CREATE TABLE ${table} (id varchar(32) PRIMARY KEY, at bigint NOT NULL, note text NULL)`);
  });
  afterAll(async () => {
    await dataSource?.query(`DROP TABLE IF EXISTS ${table}`);
    await dataSource?.destroy();
    await rm(tmp, { recursive: true, force: true });
  });

  const rowsOf = async () => (await dataSource.query(`SELECT id, at, note FROM ${table} ORDER BY id`) as { id: string; at: number | string; note: string | null }[])
    .map((r) => [r.id, Number(r.at), r.note]);

  it('writes every row of a batch, with nulls and large numbers, and again at other sizes (a statement per size)', async () => {
    const insert = new MultiRowInsert(dataSource, table, ['id', 'at', 'note']);
    await insert.insert([['a', 1_764_000_000_000, 'it\'s "quoted"; DROP TABLE x'], ['b', 2, null]]);
    await insert.insert([['c', 3, 'three']]);
    await insert.insert([['d', 4, null], ['e', 5, 'five']]);
    await insert.insert([]);
    expect(await rowsOf()).toEqual([
      ['a', 1_764_000_000_000, 'it\'s "quoted"; DROP TABLE x'], ['b', 2, null], ['c', 3, 'three'], ['d', 4, null], ['e', 5, 'five'],
    ]);
  });

  it('writes nothing of a batch whose one row breaks a constraint', async () => {
    const insert = new MultiRowInsert(dataSource, table, ['id', 'at', 'note']);
    // Matched by message: a driver's native error may come from another realm than jest's Error.
    await expect(insert.insert([['f', 6, null], ['a', 7, 'a again']])).rejects.toMatchObject({ message: expect.stringMatching(/UNIQUE|Duplicate/i) });
    expect((await rowsOf()).map(([id]) => id)).not.toContain('f');
  });

  it('refuses a row whose value count is not the column count', async () => {
    const insert = new MultiRowInsert(dataSource, table, ['id', 'at', 'note']);
    await expect(insert.insert([['g', 8]])).rejects.toThrow(TypeError);
  });

  it.each([['a table', 'audit_events; DROP TABLE users', ['id']], ['a column', table, ['id', 'at`']]])(
    'refuses %s name that is not a plain identifier', (_what, name, columns) => {
      expect(() => new MultiRowInsert(dataSource, name as string, columns as string[])).toThrow(TypeError);
    },
  );
});
