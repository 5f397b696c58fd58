import { Global, Module } from '@nestjs/common';
import { dataSourceProvider, DataSourceCloser, openMigratedDataSource, StartupWait } from '@tessera/database';
import { DataSource } from 'typeorm';
import { LOGIN_UI_CONFIG, LoginUiConfig } from '../config/login-ui.config';
import { LOGIN_UI_ENTITIES, LOGIN_UI_MIGRATIONS, LOGIN_UI_MIGRATIONS_TABLE } from './schema';

/** Opens the database and brings its schema up to date; used by the app and by the CLI. */
export function openLoginUiDatabase(config: Pick<LoginUiConfig, 'database'>, startup?: StartupWait): Promise<DataSource> {
  return openMigratedDataSource({
    startup,
    target: config.database,
    entities: LOGIN_UI_ENTITIES,
    migrations: LOGIN_UI_MIGRATIONS,
    migrationsTableName: LOGIN_UI_MIGRATIONS_TABLE,
    lockName: 'tessera_login_ui_migrations',
  });
}

@Global()
@Module({
  providers: [dataSourceProvider<LoginUiConfig>(LOGIN_UI_CONFIG, openLoginUiDatabase), DataSourceCloser],
  exports: [DataSource],
})
export class DatabaseModule {}
