import { FactoryProvider, Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { StartupWait } from './open-data-source';

/**
 * The app's DataSource as a Nest provider, opened (and migrated) by `open` from the app's config. A
 * process started before its database waits for it (DATABASE_STARTUP_TIMEOUT), saying so.
 *
 * @example
 * ```ts
 * providers: [dataSourceProvider(LOGIN_UI_CONFIG, openLoginUiDatabase), DataSourceCloser]
 * ```
 */
export function dataSourceProvider<C extends { databaseStartupTimeout: number }>(
  configToken: symbol,
  open: (config: C, startup: StartupWait) => Promise<DataSource>,
): FactoryProvider<Promise<DataSource>> {
  return {
    provide: DataSource,
    inject: [configToken],
    useFactory: (config: C) => open(config, {
      timeoutSeconds: config.databaseStartupTimeout,
      log: (message) => new Logger('Database').warn(message),
    }),
  };
}

/** Closes the app's DataSource when the app shuts down, after every request has been answered. */
@Injectable()
export class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
