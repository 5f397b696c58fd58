import { ConfigError, Env } from '@tessera/config';
import { isIP } from 'node:net';
import { RateLimit } from './rate-limiter';

const SWITCH = 'RATE_LIMIT_ENABLED';
const MAX_LIMIT = 1_000_000;
const MAX_WINDOW_SECONDS = 86_400;

/**
 * A per-IP rate limit from `name`, written `REQUESTS/SECONDS` (e.g. `20/60`), or `off`. Undefined
 * means no limit: the variable says `off`, or `RATE_LIMIT_ENABLED=false` switches every per-IP
 * limit of the app off (for a benchmark from one address, say).
 *
 * @example
 * ```ts
 * readRateLimit({ RATE_LIMIT_LOGIN: '5/60' }, 'RATE_LIMIT_LOGIN', { limit: 20, windowSeconds: 60 });
 * // { limit: 5, windowSeconds: 60 }
 * ```
 */
export function readRateLimit(env: Env, name: string, fallback: RateLimit): RateLimit | undefined {
  if (!readSwitch(env, SWITCH, true)) return undefined;
  const value = env[name]?.trim();
  if (!value) return fallback;
  if (value.toLowerCase() === 'off') return undefined;
  const match = /^(\d{1,7})\/(\d{1,5})$/.exec(value);
  if (!match) throw new ConfigError(name, `expected REQUESTS/SECONDS (e.g. 20/60) or off, got "${value}"`);
  const limit = Number(match[1]);
  const windowSeconds = Number(match[2]);
  if (limit < 1 || limit > MAX_LIMIT) throw new ConfigError(name, `the number of requests must be between 1 and ${MAX_LIMIT}`);
  if (windowSeconds < 1 || windowSeconds > MAX_WINDOW_SECONDS) throw new ConfigError(name, `the window must be between 1 and ${MAX_WINDOW_SECONDS} seconds`);
  return { limit, windowSeconds };
}

function readSwitch(env: Env, name: string, fallback: boolean): boolean {
  const value = env[name]?.trim().toLowerCase();
  if (!value) return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new ConfigError(name, `expected true or false, got "${value}"`);
}

// proxy-addr's names for well-known ranges, which Express's `trust proxy` understands.
const RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * `TRUSTED_PROXIES`: the reverse proxies whose `X-Forwarded-For` is believed, as a comma list of
 * addresses, CIDR ranges (`10.0.0.0/8`, `fd00::/8`) and the names `loopback`, `linklocal`,
 * `uniquelocal`. Empty (the default) trusts nobody: the client address is the TCP peer's, whatever
 * the headers say. Give the result to {@link trustProxySetting}.
 *
 * @example
 * ```ts
 * readTrustedProxies({ TRUSTED_PROXIES: 'loopback, 10.0.0.0/8' }); // ['loopback', '10.0.0.0/8']
 * ```
 */
export function readTrustedProxies(env: Env, name = 'TRUSTED_PROXIES'): string[] {
  const value = env[name]?.trim();
  if (!value) return [];
  const entries = value.split(',').map((e) => e.trim());
  for (const entry of entries) {
    if (!isProxyEntry(entry)) {
      throw new ConfigError(name, `"${entry}" is not an IP address, a CIDR range or one of ${RANGE_NAMES.join(', ')}`);
    }
  }
  return entries;
}

function isProxyEntry(entry: string): boolean {
  if (RANGE_NAMES.includes(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (!version || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

/**
 * The value for Express's `trust proxy` setting: `false` (use the socket's peer address) unless
 * proxies are configured. Never `true`, which would believe any client's `X-Forwarded-For`.
 *
 * @example
 * ```ts
 * app.set('trust proxy', trustProxySetting(config.trustedProxies));
 * ```
 */
export function trustProxySetting(trustedProxies: string[]): false | string[] {
  return trustedProxies.length > 0 ? [...trustedProxies] : false;
}
