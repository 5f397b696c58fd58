import { loadTokenServiceConfig } from '../../../token-service/src/config/token-service.config';
import { openTokenServiceDatabase } from '../../../token-service/src/database/database.module';
import { Cleanup } from '../../../token-service/src/maintenance/cleanup.service';
import { CliCommand } from '../cli-args';

/**
 * `maintenance:cleanup`: one cleanup pass now, as a running token service does every
 * CLEANUP_INTERVAL, under the same lock (so it skips while an instance is cleaning). Prints the
 * counts as one JSON line; a pass that stopped at its per-table cap names the tables to run it again for.
 */
export const maintenanceCleanup: CliCommand = {
  usage: '',
  async run(_flags, env) {
    const config = loadTokenServiceConfig(env, (m) => process.stderr.write(`${m}\n`));
    const dataSource = await openTokenServiceDatabase(config);
    try {
      const outcome = await new Cleanup(config, dataSource).runOnce();
      if (!outcome.ran) {
        process.stdout.write('another token service instance is cleaning now (it holds the lock): nothing done\n');
        return;
      }
      const { deleted, capped, durationMs } = outcome.report;
      process.stdout.write(`${JSON.stringify({ deleted, capped, durationMs })}\n`);
    } finally {
      await dataSource.destroy();
    }
  },
};
