import { RateLimit, readRateLimit, readTrustedProxies } from '@tessera/abuse';
import { ConfigError, Env, readBaseUrl, readInt, readPort, readString, secretOrDevDefault } from '@tessera/config';
import { DatabaseTarget, parseDatabaseUrl } from '@tessera/database';
import { OperationsConfig, readOperationsConfig } from '@tessera/operations';
import { resolve } from 'node:path';
import { DEFAULT_LOCKOUT, LockoutPolicy } from '../users/lockout.rule';
import { PASSWORD_MIN_LENGTH } from '../users/password-policy';
import { DEFAULT_ARGON2_LIMITS } from '../users/users.service';

export interface LoginUiConfig {
  /** Where browsers reach these pages. */
  publicUrl: string;
  port: number;
  /** Interface to bind to; undefined means every interface. */
  host?: string;
  /** The listener that serves only `GET /metrics`, never the public one; port 0 takes any free port. */
  metricsPort: number;
  metricsHost: string;
  issuer: string;
  /**
   * ISSUER_INTERNAL_URL: the origin where this app reaches the issuer's public endpoints (discovery,
   * JWKS, token, introspection, status lists) when ISSUER's own does not lead there from its network,
   * e.g. inside a container (token-service/issuer-fetch.ts). ISSUER's origin by default.
   */
  issuerInternalUrl: string;
  /** Base URL of the token service's internal listener (the login/consent provider API). */
  tokenServiceInternalUrl: string;
  internalApiSecret: string;
  /** Keys the CSRF tokens. */
  loginUiSecret: string;
  database: DatabaseTarget;
  /** Seconds to keep waiting at start-up for a database that cannot be reached yet; then exit. */
  databaseStartupTimeout: number;
  dataDir: string;
  /** The first administrator, created when the user directory is empty. */
  adminUsername?: string;
  adminPassword?: string;
  /** Cookies get `Secure` when the pages are served over https. */
  secureCookies: boolean;
  /** Per-account lockout, counted in the database and so shared by every instance. */
  lockout: LockoutPolicy;
  /** PASSWORD_MIN_LENGTH: the shortest password that may be set (users/password-policy.ts). */
  passwordMinLength: number;
  /** argon2id work in flight (19 MiB each): checks at once, and checks waiting for a turn. */
  argon2: { maxConcurrency: number; maxQueue: number };
  /** Per-IP limits, kept in each instance's memory; an absent one is off. */
  rateLimits: { login?: RateLimit };
  /** Proxies whose X-Forwarded-For names the client (Express `trust proxy`); none by default. */
  trustedProxies: string[];
  /** Transport rule, shutdown bound and metrics access, shared by every app. */
  operations: OperationsConfig;
}

export const LOGIN_UI_CONFIG = Symbol('LOGIN_UI_CONFIG');

/** Reads and validates the environment once; a bad value throws a ConfigError naming the variable. */
export function loadLoginUiConfig(env: Env, warn: (message: string) => void = () => undefined): LoginUiConfig {
  const publicUrl = readBaseUrl(env, 'LOGIN_UI_URL', 'http://localhost:3001');
  const issuer = readBaseUrl(env, 'ISSUER', 'http://localhost:3000');
  // Before any secret is generated: a refused start leaves nothing behind.
  const operations = readOperationsConfig(env, { LOGIN_UI_URL: publicUrl, ISSUER: issuer });
  const dataDir = resolve(readString(env, 'DATA_DIR', './data'));
  const secret = (name: string) => secretOrDevDefault(env, name, dataDir, warn);
  return {
    publicUrl,
    port: readPort(env, 'LOGIN_UI_PORT', 3001),
    host: readString(env, 'LOGIN_UI_HOST'),
    metricsPort: readInt(env, 'LOGIN_UI_METRICS_PORT', 3101, { min: 0, max: 65535 }),
    metricsHost: readString(env, 'LOGIN_UI_METRICS_HOST', '127.0.0.1'),
    issuer,
    issuerInternalUrl: readOrigin(env, 'ISSUER_INTERNAL_URL', new URL(issuer).origin),
    tokenServiceInternalUrl: readBaseUrl(env, 'TOKEN_SERVICE_INTERNAL_URL', 'http://127.0.0.1:3100'),
    internalApiSecret: secret('INTERNAL_API_SECRET'),
    loginUiSecret: secret('LOGIN_UI_SECRET'),
    database: parseDatabaseUrl(env.DATABASE_URL),
    databaseStartupTimeout: readInt(env, 'DATABASE_STARTUP_TIMEOUT', 120, { min: 0, max: 3600 }),
    dataDir,
    adminUsername: readString(env, 'ADMIN_USERNAME'),
    adminPassword: env.ADMIN_PASSWORD || undefined,
    secureCookies: publicUrl.startsWith('https:'),
    lockout: readLockout(env),
    passwordMinLength: readInt(env, 'PASSWORD_MIN_LENGTH', PASSWORD_MIN_LENGTH.default, PASSWORD_MIN_LENGTH),
    argon2: {
      maxConcurrency: readInt(env, 'ARGON2_MAX_CONCURRENCY', DEFAULT_ARGON2_LIMITS.maxConcurrency, { min: 1, max: 256 }),
      maxQueue: readInt(env, 'ARGON2_MAX_QUEUE', DEFAULT_ARGON2_LIMITS.maxQueue, { min: 0, max: 100_000 }),
    },
    rateLimits: {
      login: readRateLimit(env, 'RATE_LIMIT_LOGIN', { limit: 20, windowSeconds: 60 }),
    },
    trustedProxies: readTrustedProxies(env),
    operations,
  };
}

/** An http(s) origin: requests keep their own path, so one here would be ambiguous. */
function readOrigin(env: Env, name: string, fallback: string): string {
  const value = readBaseUrl(env, name, fallback);
  if (new URL(value).pathname !== '/') throw new ConfigError(name, `must be an origin (scheme, host and port) without a path, got "${value}"`);
  return value;
}

const DAY = 86_400;

function readLockout(env: Env): LockoutPolicy {
  const waitSeconds = readInt(env, 'LOCKOUT_WAIT_SECONDS', DEFAULT_LOCKOUT.waitSeconds, { min: 1, max: DAY });
  // A longer first wait raises the default cap with it rather than failing the start.
  const maxWaitSeconds = readInt(env, 'LOCKOUT_MAX_WAIT_SECONDS', Math.max(DEFAULT_LOCKOUT.maxWaitSeconds, waitSeconds), { min: 1, max: DAY });
  if (maxWaitSeconds < waitSeconds) {
    throw new ConfigError('LOCKOUT_MAX_WAIT_SECONDS', `must be at least LOCKOUT_WAIT_SECONDS (${waitSeconds}), got ${maxWaitSeconds}`);
  }
  return {
    maxFailures: readInt(env, 'LOCKOUT_MAX_FAILURES', DEFAULT_LOCKOUT.maxFailures, { min: 1, max: 10_000 }),
    waitSeconds,
    maxWaitSeconds,
    resetSeconds: readInt(env, 'LOCKOUT_RESET_SECONDS', DEFAULT_LOCKOUT.resetSeconds, { min: 60, max: 365 * DAY }),
  };
}
