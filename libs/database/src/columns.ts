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

/** Booleans come back from MySQL as 0/1. */
export const booleanColumn: ValueTransformer = {
  to: (value: boolean | null | undefined) => value,
  from: (value: unknown) => (value === null || value === undefined ? value : Boolean(Number(value))),
};
