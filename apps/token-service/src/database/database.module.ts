import { Global, Module } from '@nestjs/common';
import { dataSourceProvider, DataSourceCloser, openMigratedDataSource, StartupWait } from '@tessera/database';
import { DataSource } from 'typeorm';
import { TOKEN_SERVICE_CONFIG, TokenServiceConfig } from '../config/token-service.config';
import {
  TOKEN_SERVICE_ENTITIES, TOKEN_SERVICE_MIGRATION_LOCK, TOKEN_SERVICE_MIGRATIONS, TOKEN_SERVICE_MIGRATIONS_TABLE,
} from './schema';

/** Opens the database and brings its schema up to date before any request is served. */
export function openTokenServiceDatabase(config: Pick<TokenServiceConfig, 'database'>, startup?: StartupWait): Promise<DataSource> {
  return openMigratedDataSource({
    startup,
    target: config.database,
    entities: TOKEN_SERVICE_ENTITIES,
    migrations: TOKEN_SERVICE_MIGRATIONS,
    migrationsTableName: TOKEN_SERVICE_MIGRATIONS_TABLE,
    lockName: TOKEN_SERVICE_MIGRATION_LOCK,
  });
}

@Global()
@Module({
  providers: [dataSourceProvider<TokenServiceConfig>(TOKEN_SERVICE_CONFIG, openTokenServiceDatabase), DataSourceCloser],
  exports: [DataSource],
})
export class DatabaseModule {}
