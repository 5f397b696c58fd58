import { openMigratedDataSource, parseDatabaseUrl } from '@tessera/database';
import { DataSource } from 'typeorm';
import { TOKEN_SERVICE_MIGRATION_LOCK, TOKEN_SERVICE_MIGRATIONS_TABLE } from '../../apps/token-service/src/database/schema';

/**
 * Opens the token service's database at `url` with only the given entities and migrations, brought
 * up to date the way the app does it: a service test depends on its own tables and nothing else.
 */
export function openMigratedDatabase(
  url: string,
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  schema: { entities: Function[]; migrations: Function[] },
): Promise<DataSource> {
  return openMigratedDataSource({
    target: parseDatabaseUrl(url),
    entities: schema.entities,
    migrations: schema.migrations,
    migrationsTableName: TOKEN_SERVICE_MIGRATIONS_TABLE,
    lockName: TOKEN_SERVICE_MIGRATION_LOCK,
  });
}
