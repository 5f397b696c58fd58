import { loadTokenServiceConfig } from '../../../token-service/src/config/token-service.config';
import { openTokenServiceDatabase } from '../../../token-service/src/database/database.module';
import { SigningKeyRepository, SigningKeySummary } from '../../../token-service/src/keys/signing-key.repository';
import { CliCommand } from '../cli-args';

const COLUMNS = ['kid', 'state', 'created', 'activated', 'retired'] as const;

/** Lists the token service's signing keys. Only public facts: the repository never reads the private half here. */
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
      process.stdout.write(table(keys.map(row)));
    } finally {
      await dataSource.destroy();
    }
  },
};

function row(key: SigningKeySummary): Record<(typeof COLUMNS)[number], string> {
  return { kid: key.kid, state: key.state, created: iso(key.createdAt), activated: iso(key.activatedAt), retired: iso(key.retiredAt) };
}

function iso(instant: number | null): string {
  return instant === null ? '-' : new Date(instant).toISOString();
}

function table(rows: Record<(typeof COLUMNS)[number], string>[]): string {
  const widths = COLUMNS.map((c) => Math.max(c.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => `${cells.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()}\n`;
  return line([...COLUMNS]) + rows.map((r) => line(COLUMNS.map((c) => r[c]))).join('');
}
