import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, Env, readSecret } from './env';

/**
 * Secrets for a development install that was not given any: generated once into
 * `{dataDir}/dev-secrets.json` and shared by every app started from the same folder.
 * In production (NODE_ENV=production) a missing secret stops the process instead.
 */
export function secretOrDevDefault(
  env: Env,
  name: string,
  dataDir: string,
  warn: (message: string) => void,
): string {
  const given = readSecret(env, name);
  if (given) return given;
  if (env.NODE_ENV === 'production') throw new ConfigError(name, 'is required when NODE_ENV=production');
  let secrets = loadOrCreateDevSecrets(dataDir);
  // A file written before this secret existed gains it; the ones already there are kept (the
  // stored signing keys depend on KEY_ENCRYPTION_SECRET, so the file is never regenerated).
  if (!secrets[name] && DEV_SECRET_NAMES.includes(name)) secrets = addDevSecret(dataDir, name);
  if (!secrets[name]) {
    throw new ConfigError(name, `is not set and ${join(dataDir, 'dev-secrets.json')} has no value for it; delete that file to regenerate it`);
  }
  warn(`${name} is not set: using the development secret in ${join(dataDir, 'dev-secrets.json')}. Set it in production.`);
  return secrets[name];
}

const DEV_SECRET_NAMES = ['KEY_ENCRYPTION_SECRET', 'INTERNAL_API_SECRET', 'LOGIN_UI_SECRET', 'PARTNER_DEMO_SECRET'];

function loadOrCreateDevSecrets(dataDir: string): Record<string, string> {
  const file = join(dataDir, 'dev-secrets.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dataDir, { recursive: true });
  const fresh = Object.fromEntries(DEV_SECRET_NAMES.map((n) => [n, randomBytes(32).toString('base64url')]));
  // Write aside, then link into place: link fails if another app won the race, and then its
  // file (complete, since link is atomic) is the one everybody uses.
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(fresh, null, 2), { mode: 0o600 });
  try {
    linkSync(temp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(temp);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
}

function addDevSecret(dataDir: string, name: string): Record<string, string> {
  const file = join(dataDir, 'dev-secrets.json');
  const secrets = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  if (secrets[name]) return secrets;
  secrets[name] = randomBytes(32).toString('base64url');
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  renameSync(temp, file); // atomic: a reader sees the old file or the new one, never half of it
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
}
