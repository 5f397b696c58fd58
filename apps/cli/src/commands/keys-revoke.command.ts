import { AuditLog } from '../../../token-service/src/audit/audit-log';
import { loadTokenServiceConfig } from '../../../token-service/src/config/token-service.config';
import { openTokenServiceDatabase } from '../../../token-service/src/database/database.module';
import { RELOAD_INTERVAL_SECONDS } from '../../../token-service/src/keys/key-schedule';
import { SigningKeyRevocationHook } from '../../../token-service/src/keys/signing-key-revocation';
import { SigningKeys } from '../../../token-service/src/keys/signing-keys.service';
import { StatusListRepository } from '../../../token-service/src/status-list/status-list.repository';
import { CliCommand, CliFlags, requireValue } from '../cli-args';
import type { Env } from '@tessera/config';
import type { DataSource } from 'typeorm';
import type { TokenServiceConfig } from '../../../token-service/src/config/token-service.config';

/** Builds what is told about a revoked key (the status list, once it implements the hook). */
export type RevocationHookFactory = (config: TokenServiceConfig, dataSource: DataSource) => SigningKeyRevocationHook | undefined;

/**
 * `keys:revoke KID`: emergency removal of a compromised signing key, with the revocation hook
 * built by `hook`.
 */
export function keysRevokeWith(hook: RevocationHookFactory): CliCommand {
  return {
    usage: 'KID',
    positional: 'kid',
    async run(flags: CliFlags, env: Env) {
      const kid = requireValue(flags, 'kid');
      const config = loadTokenServiceConfig(env, (m) => process.stderr.write(`${m}\n`));
      const dataSource = await openTokenServiceDatabase(config);
      const audit = new AuditLog(dataSource);
      try {
        const keys = new SigningKeys(config, dataSource, undefined, hook(config, dataSource), audit);
        const { revoked, activeKid, hookCalled } = await keys.revoke(kid, 'cli');
        const window = revoked.signedFrom === null
          ? 'It never signed anything.'
          : `It signed from ${iso(revoked.signedFrom)} to ${iso(revoked.signedUntil!)} at the latest.`;
        process.stdout.write(
          `${kid} is revoked: out of the JWKS and its private half wiped. ${window}\n`
          + `${activeKid} is the active signing key; running token service instances switch to it within ${RELOAD_INTERVAL_SECONDS} s.\n`
          + (hookCalled
            ? 'The tokens it signed are marked revoked in the status list.\n'
            : 'No revocation hook is configured: the tokens it signed are not marked in the status list; partners refuse them once their JWKS cache refreshes.\n'),
        );
      } finally {
        await audit.flush();
        await dataSource.destroy();
      }
    },
  };
}

// The status list needs only the database: every token row records the kid that signed it.
export const keysRevoke = keysRevokeWith((_config, dataSource) => {
  const statuses = new StatusListRepository(dataSource);
  return { signingKeyRevoked: (key) => statuses.revokeSignedBy(key.kid, key.revokedAt) };
});

function iso(instant: number): string {
  return new Date(instant).toISOString();
}
