import type { Env } from '@tessera/config';

export interface CliFlags {
  /** `--name value` pairs, last one wins. */
  values: Record<string, string>;
  /** Bare `--flag`s. */
  switches: Set<string>;
}

export interface CliCommand {
  /** One line, e.g. `--username U --password P [--email E]`. */
  usage: string;
  /** A leading argument without `--name`, e.g. `kid` for `keys:revoke KID`: read as `--kid KID`. */
  positional?: string;
  /** Prints its result to stdout; throws an Error whose message is shown to the operator. */
  run(flags: CliFlags, env: Env): Promise<void>;
}

/** `--a 1 --b --c 2` → values {a:'1', c:'2'}, switches {b}. A value may not start with `--`. */
export function parseArgs(args: string[]): CliFlags {
  const flags: CliFlags = { values: {}, switches: new Set() };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument "${arg}"`);
    const name = arg.slice(2);
    const next = args[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      flags.values[name] = next;
      i++;
    } else {
      flags.switches.add(name);
    }
  }
  return flags;
}

/** `parseArgs` for `command`, after taking its leading positional argument, if it has one. */
export function parseCommandArgs(command: Pick<CliCommand, 'positional'>, args: string[]): CliFlags {
  const [first, ...rest] = args;
  if (!command.positional || first === undefined || first.startsWith('--')) return parseArgs(args);
  const flags = parseArgs(rest);
  flags.values[command.positional] ??= first;
  return flags;
}

export function requireValue(flags: CliFlags, name: string): string {
  const value = flags.values[name];
  if (!value) throw new Error(`--${name} is required`);
  return value;
}
