import { loadTokenServiceConfig } from '../../../token-service/src/config/token-service.config';
import { openTokenServiceDatabase } from '../../../token-service/src/database/database.module';
import { keySchedulePolicy, KeySchedulePolicy, keyTimeline } from '../../../token-service/src/keys/key-schedule';
import { SigningKeyRepository, SigningKeySummary } from '../../../token-service/src/keys/signing-key.repository';
import { CliCommand } from '../cli-args';

const COLUMNS = ['kid', 'state', 'created', 'activated', 'retired', 'next change'] as const;

/**
 * Lists the token service's signing keys with the schedule: when each next key activates, when the
 * active one is due for rotation, when each retired key leaves the JWKS. Only public facts: the
 * repository never reads the private half here.
 */
export const keysList: CliCommand = {
  usage: '',
  async run(_flags, env) {
    const config = loadTokenServiceConfig(env, (m) => process.stderr.write(`${m}\n`));
    const dataSource = await openTokenServiceDatabase(config);
    try {
      const keys = await new SigningKeyRepository(dataSource).listSummaries();
      if (keys.length === 0) {
        process.stdout.write('no signing keys yet: the token service creates the first one when it starts\n');
        return;
      }
      const policy = keySchedulePolicy(config);
      process.stdout.write(table(keys.map((key) => row(key, keys, policy))));
    } finally {
      await dataSource.destroy();
    }
  },
};

function row(key: SigningKeySummary, keys: SigningKeySummary[], policy: KeySchedulePolicy): Record<(typeof COLUMNS)[number], string> {
  return {
    kid: key.kid, state: key.state, created: iso(key.createdAt), activated: iso(key.activatedAt), retired: iso(key.retiredAt),
    'next change': nextChange(key, keys, policy),
  };
}

/** The instants the schedule (key-schedule.ts) acts on, as a running token service will. */
function nextChange(key: SigningKeySummary, keys: SigningKeySummary[], policy: KeySchedulePolicy): string {
  const timeline = keyTimeline(key, keys, policy);
  switch (key.state) {
    case 'next': return `activates ${iso(timeline.activatesAt)}`;
    case 'active': return timeline.nextKeyPublishedAt === null
      ? `retires ${iso(timeline.retiresAt)}`
      : `next key published ${iso(timeline.nextKeyPublishedAt)}, rotates ${iso(timeline.retiresAt)}`;
    case 'retired': return `removed ${iso(timeline.removesAt)}`;
    case 'revoked': return `revoked ${iso(key.revokedAt)}`;
    default: return '-';
  }
}

function iso(instant: number | null): string {
  return instant === null ? '-' : new Date(instant).toISOString();
}

function table(rows: Record<(typeof COLUMNS)[number], string>[]): string {
  const widths = COLUMNS.map((c) => Math.max(c.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => `${cells.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()}\n`;
  return line([...COLUMNS]) + rows.map((r) => line(COLUMNS.map((c) => r[c]))).join('');
}
