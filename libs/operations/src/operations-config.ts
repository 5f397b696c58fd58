import { ConfigError, Env, readInt, readSecret } from '@tessera/config';
import { assertSecureTransport, InsecureTransport } from './transport';

export interface OperationsConfig {
  /** NODE_ENV=production. */
  production: boolean;
  /** ALLOW_INSECURE_HTTP=true: production mode with plain-http public URLs, for a developer's machine. */
  allowInsecureHttp: boolean;
  /** How long a stop waits for requests in flight before cutting them (SHUTDOWN_TIMEOUT, seconds). */
  shutdownTimeoutMs: number;
  /** When set, `GET /metrics` wants `Authorization: Bearer <METRICS_TOKEN>`. */
  metricsToken?: string;
}

/**
 * The settings every app shares for running in production, read once at start-up; `publicUrls`
 * are the app's public base URLs by variable name, checked against the transport rule.
 *
 * @example
 * ```ts
 * const ops = readOperationsConfig(process.env, { ISSUER: issuer, LOGIN_UI_URL: loginUiUrl });
 * ```
 */
export function readOperationsConfig(env: Env, publicUrls: Record<string, string>): OperationsConfig {
  const production = env.NODE_ENV === 'production';
  const allowInsecureHttp = readBoolean(env, 'ALLOW_INSECURE_HTTP', false);
  for (const [name, url] of Object.entries(publicUrls)) {
    try {
      assertSecureTransport(url, { production, allowInsecureHttp });
    } catch (err) {
      if (err instanceof InsecureTransport) throw new ConfigError(name, err.message);
      throw err;
    }
  }
  return {
    production,
    allowInsecureHttp,
    shutdownTimeoutMs: readInt(env, 'SHUTDOWN_TIMEOUT', 10, { min: 0, max: 600 }) * 1000,
    metricsToken: readSecret(env, 'METRICS_TOKEN'),
  };
}

function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const value = env[name]?.trim().toLowerCase();
  if (value === undefined || value === '') return fallback;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new ConfigError(name, `expected true or false, got "${env[name]}"`);
}
