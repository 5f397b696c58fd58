import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { openMigratedDataSource, StartupWait } from '@tessera/database';
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
  providers: [{
    provide: DataSource,
    inject: [LOGIN_UI_CONFIG],
    // A process started before its database waits for it (DATABASE_STARTUP_TIMEOUT), saying so.
    useFactory: (config: LoginUiConfig) => openLoginUiDatabase(config, {
      timeoutSeconds: config.databaseStartupTimeout,
      log: (message) => new Logger('Database').warn(message),
    }),
  }],
  exports: [DataSource],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
