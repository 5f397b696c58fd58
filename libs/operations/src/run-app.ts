import { stopOnSignals } from '@tessera/config';
import { JsonLogger } from './json-logger';

/** What `boot` starts: something that can be closed gracefully. */
export interface RunningApp {
  close(): Promise<void>;
}

/**
 * An app's process entry: JSON log lines from the first one, a graceful stop on SIGTERM/SIGINT
 * (exit 0 once closed), and a fatal line with exit code 1 when it cannot start — a bad setting, a
 * port taken, a database that never came — never a stack trace on stderr.
 *
 * @example
 * ```ts
 * if (require.main === module) {
 *   runApp('login-ui', async (logger) => {
 *     const running = await startLoginUi(loadLoginUiConfig(process.env, (m) => logger.warn(m, 'Config')), logger);
 *     logger.log(`login UI on port ${running.port}`, 'Bootstrap');
 *     return running;
 *   });
 * }
 * ```
 */
export function runApp(service: string, boot: (logger: JsonLogger) => Promise<RunningApp>): void {
  const logger = new JsonLogger({ service });
  boot(logger).then(
    (running) => stopOnSignals(() => {
      logger.log('stopping: no new connections, finishing requests in flight', 'Bootstrap');
      return running.close();
    }),
    (err: unknown) => {
      logger.fatal(err instanceof Error ? err.message : String(err), 'Bootstrap');
      process.exit(1);
    },
  );
}
