import type { DataSource } from 'typeorm';

/**
 * One INSERT of many rows into one table, for the hot write paths that batch (token status rows,
 * audit events): the statement text is built once per row count, and on SQLite it is prepared once
 * and run synchronously, without TypeORM's per-row metadata work. Values are positional, in the
 * order of `columns`; they go to the driver as parameters, never into the SQL.
 */
export class MultiRowInsert {
  private readonly prepared = new Map<number, PreparedStatement>();
  private readonly texts = new Map<number, string>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly table: string,
    private readonly columns: readonly string[],
  ) {
    for (const name of [table, ...columns]) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new TypeError(`not a plain SQL identifier: ${name}`);
    }
  }

  async insert(rows: readonly (readonly unknown[])[]): Promise<void> {
    if (rows.length === 0) return;
    const params: unknown[] = [];
    for (const row of rows) {
      if (row.length !== this.columns.length) throw new TypeError(`a row of ${this.table} has ${row.length} values for ${this.columns.length} columns`);
      params.push(...row);
    }
    if (this.dataSource.options.type === 'better-sqlite3') {
      this.statement(rows.length).run(...params);
    } else {
      await this.dataSource.query(this.sql(rows.length), params);
    }
  }

  private sql(rowCount: number): string {
    let text = this.texts.get(rowCount);
    if (text === undefined) {
      const row = `(${this.columns.map(() => '?').join(', ')})`;
      text = `INSERT INTO ${this.table} (${this.columns.join(', ')}) VALUES ${new Array<string>(rowCount).fill(row).join(', ')}`;
      this.texts.set(rowCount, text);
    }
    return text;
  }

  private statement(rowCount: number): PreparedStatement {
    let statement = this.prepared.get(rowCount);
    if (!statement) {
      const connection = (this.dataSource.driver as unknown as { databaseConnection: { prepare(sql: string): PreparedStatement } }).databaseConnection;
      statement = connection.prepare(this.sql(rowCount));
      this.prepared.set(rowCount, statement);
    }
    return statement;
  }
}

/** The part of a better-sqlite3 statement used here. */
interface PreparedStatement {
  run(...params: unknown[]): unknown;
}
