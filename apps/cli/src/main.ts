import 'reflect-metadata';
import { CliCommand, parseCommandArgs } from './cli-args';
import { clientsCreate } from './commands/clients-create.command';
import { keysList } from './commands/keys-list.command';
import { keysRevoke } from './commands/keys-revoke.command';
import { keysRotate } from './commands/keys-rotate.command';
import { maintenanceCleanup } from './commands/maintenance-cleanup.command';
import { usersCreate } from './commands/users-create.command';

// The operator's CLI. It reads the same environment as the apps (DATABASE_URL, DATA_DIR, …) and
// works on each app's tables through that app's own repositories.
const COMMANDS: Record<string, CliCommand> = {
  'users:create': usersCreate,
  'clients:create': clientsCreate,
  'keys:list': keysList,
  'keys:rotate': keysRotate,
  'keys:revoke': keysRevoke,
  'maintenance:cleanup': maintenanceCleanup,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`usage: npm run cli -- <command> [--flag value …]\ncommands:\n${Object.entries(COMMANDS)
      .map(([n, c]) => `  ${n} ${c.usage}`).join('\n')}\n`);
    return 2;
  }
  try {
    await command.run(parseCommandArgs(command, rest), process.env);
    return 0;
  } catch (err) {
    process.stderr.write(`${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

void main(process.argv.slice(2)).then((code) => process.exit(code));
