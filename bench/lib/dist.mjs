import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The compiled apps and libs that scenarios start or load. `npm run bench` builds them first
 * (`prebench`); the benchmark measures the JavaScript that production runs, not ts-jest's.
 */
export const DIST = {
  tokenService: join(ROOT, 'dist/apps/token-service/apps/token-service/src/main.js'),
  loginUi: join(ROOT, 'dist/apps/login-ui/apps/login-ui/src/main.js'),
  partnerDemo: join(ROOT, 'dist/apps/partner-demo/apps/partner-demo/src/main.js'),
  // libs/rp is compiled with the partner demo, its first user.
  rp: join(ROOT, 'dist/apps/partner-demo/libs/rp/src/index.js'),
};

/** Throws a message that says what to run when a compiled file a scenario needs is missing. */
export function requireBuilt(path) {
  if (!existsSync(path)) {
    throw new Error(`${path.slice(ROOT.length + 1)} is missing: run 'npm run build' first ('npm run bench' does it for you)`);
  }
  return path;
}
