import { AuditLog } from '../../../token-service/src/audit/audit-log';
import { loadTokenServiceConfig } from '../../../token-service/src/config/token-service.config';
import { openTokenServiceDatabase } from '../../../token-service/src/database/database.module';
import { RELOAD_INTERVAL_SECONDS } from '../../../token-service/src/keys/key-schedule';
import { SigningKeys } from '../../../token-service/src/keys/signing-keys.service';
import { CliCommand } from '../cli-args';

/**
 * Starts a rotation. By default it publishes a `next` key that the token service activates once the
 * lead time has passed (every partner has it cached by then). `--now` activates at once: for when
 * waiting is worse than each partner refetching the JWKS once on the new, unknown kid.
 */
export const keysRotate: CliCommand = {
  usage: '[--now]',
  async run(flags, env) {
    const config = loadTokenServiceConfig(env, (m) => process.stderr.write(`${m}\n`));
    const dataSource = await openTokenServiceDatabase(config);
    const audit = new AuditLog(dataSource);
    try {
      const keys = new SigningKeys(config, dataSource, undefined, undefined, audit);
      if (flags.switches.has('now')) {
        const kid = await keys.rotate('cli');
        process.stdout.write(
          `${kid} is the active signing key now; the previous one stays published until its tokens have expired.\n`
          + `Running token service instances sign with it within ${RELOAD_INTERVAL_SECONDS} s. Partners that have not cached it `
          + 'refetch the JWKS once on its unknown kid, and may refuse its first tokens if they refetch from an instance that has not read it yet.\n',
        );
        return;
      }
      const next = await keys.publishNextKey('cli');
      const leadSeconds = Math.round(keys.schedulePolicy.leadTimeMs / 1000);
      process.stdout.write(
        `${next.kid} ${next.created ? 'is published as the next signing key' : 'was already published as the next signing key'}; `
        + `it becomes active at ${new Date(next.activateAfter).toISOString()}, `
        + `${leadSeconds} s after it was published (JWKS_MAX_AGE + partners' refresh margin + clock skew + reload interval), `
        + 'when a running token service next checks its schedule. Use --now to activate at once.\n',
      );
    } finally {
      await audit.flush();
      await dataSource.destroy();
    }
  },
};
