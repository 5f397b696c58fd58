export { parseDatabaseUrl, DEFAULT_SQLITE_PATH } from './database-url';
export type { DatabaseTarget } from './database-url';
export { createDataSource } from './data-source.factory';
export type { DataSourceSpec } from './data-source.factory';
export { runMigrationsExclusively, pendingSchemaChanges } from './migrate';
export { openMigratedDataSource } from './open-data-source';
export { epochMillis, booleanColumn } from './columns';
export { column, nullable, primary } from './migration-columns';
