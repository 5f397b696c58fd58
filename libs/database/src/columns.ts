import { ValueTransformer } from 'typeorm';

/**
 * Instants are stored as epoch milliseconds in a bigint column: the same on SQLite and MySQL,
 * free of time zones, and compared with plain integer indexes. mysql2 may hand bigints back as
 * strings; this turns them into numbers.
 */
export const epochMillis: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: unknown) => (value === null || value === undefined ? value : Number(value)),
};

/**
 * Spread into a boolean column's options. MySQL stores booleans as tinyint(1) and hands back 0/1;
 * the explicit width keeps MariaDB's schema comparison from seeing tinyint vs tinyint(1) as drift.
 */
export const booleanColumn = {
  type: 'boolean',
  width: 1,
  transformer: {
    to: (value: boolean | null | undefined) => value,
    from: (value: unknown) => (value === null || value === undefined ? value : Boolean(Number(value))),
  } satisfies ValueTransformer,
} as const;
