import { TableColumnOptions } from 'typeorm';

/**
 * Column shapes for hand-written migrations that run unchanged on SQLite and MySQL. They mirror the
 * entity decorators exactly, so the schema builder sees no drift (see pendingSchemaChanges).
 */
type Extra = Partial<Pick<TableColumnOptions, 'isNullable' | 'isPrimary' | 'isUnique'>>;

export const column = {
  varchar: (name: string, length: number, extra: Extra = {}): TableColumnOptions =>
    ({ name, type: 'varchar', length: String(length), isNullable: false, ...extra }),
  text: (name: string, extra: Extra = {}): TableColumnOptions => ({ name, type: 'text', isNullable: false, ...extra }),
  integer: (name: string, extra: Extra = {}): TableColumnOptions => ({ name, type: 'integer', isNullable: false, ...extra }),
  /** Epoch milliseconds (see epochMillis). */
  instant: (name: string, extra: Extra = {}): TableColumnOptions => ({ name, type: 'bigint', isNullable: false, ...extra }),
  boolean: (name: string, extra: Extra = {}): TableColumnOptions => ({ name, type: 'boolean', isNullable: false, ...extra }),
};

export const nullable: Extra = { isNullable: true };
export const primary: Extra = { isPrimary: true };
