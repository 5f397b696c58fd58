import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { createDataSource, runMigrationsExclusively } from '@tessera/database';
import { DataSource } from 'typeorm';
import { TOKEN_SERVICE_CONFIG, TokenServiceConfig } from '../config/token-service.config';
import { TOKEN_SERVICE_ENTITIES, TOKEN_SERVICE_MIGRATIONS, TOKEN_SERVICE_MIGRATIONS_TABLE } from './schema';

/** Opens the database and brings its schema up to date before any request is served. */
export async function openTokenServiceDatabase(config: TokenServiceConfig): Promise<DataSource> {
  const dataSource = createDataSource({
    target: config.database,
    entities: TOKEN_SERVICE_ENTITIES,
    migrations: TOKEN_SERVICE_MIGRATIONS,
    migrationsTableName: TOKEN_SERVICE_MIGRATIONS_TABLE,
  });
  await dataSource.initialize();
  await runMigrationsExclusively(dataSource, 'tessera_token_service_migrations');
  return dataSource;
}

@Global()
@Module({
  providers: [{
    provide: DataSource,
    inject: [TOKEN_SERVICE_CONFIG],
    useFactory: openTokenServiceDatabase,
  }],
  exports: [DataSource],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
