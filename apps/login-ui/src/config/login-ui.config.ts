import { Env, readBaseUrl, readPort, readString, secretOrDevDefault } from '@tessera/config';
import { DatabaseTarget, parseDatabaseUrl } from '@tessera/database';
import { resolve } from 'node:path';

export interface LoginUiConfig {
  /** Where browsers reach these pages. */
  publicUrl: string;
  port: number;
  /** Interface to bind to; undefined means every interface. */
  host?: string;
  issuer: string;
  /** Base URL of the token service's internal listener (the login/consent provider API). */
  tokenServiceInternalUrl: string;
  internalApiSecret: string;
  /** Keys the CSRF tokens. */
  loginUiSecret: string;
  database: DatabaseTarget;
  dataDir: string;
  /** The first administrator, created when the user directory is empty. */
  adminUsername?: string;
  adminPassword?: string;
  /** Cookies get `Secure` when the pages are served over https. */
  secureCookies: boolean;
}

export const LOGIN_UI_CONFIG = Symbol('LOGIN_UI_CONFIG');

/** Reads and validates the environment once; a bad value throws a ConfigError naming the variable. */
export function loadLoginUiConfig(env: Env, warn: (message: string) => void = () => undefined): LoginUiConfig {
  const publicUrl = readBaseUrl(env, 'LOGIN_UI_URL', 'http://localhost:3001');
  const dataDir = resolve(readString(env, 'DATA_DIR', './data'));
  const secret = (name: string) => secretOrDevDefault(env, name, dataDir, warn);
  return {
    publicUrl,
    port: readPort(env, 'LOGIN_UI_PORT', 3001),
    host: readString(env, 'LOGIN_UI_HOST'),
    issuer: readBaseUrl(env, 'ISSUER', 'http://localhost:3000'),
    tokenServiceInternalUrl: readBaseUrl(env, 'TOKEN_SERVICE_INTERNAL_URL', 'http://127.0.0.1:3100'),
    internalApiSecret: secret('INTERNAL_API_SECRET'),
    loginUiSecret: secret('LOGIN_UI_SECRET'),
    database: parseDatabaseUrl(env.DATABASE_URL),
    dataDir,
    adminUsername: readString(env, 'ADMIN_USERNAME'),
    adminPassword: env.ADMIN_PASSWORD || undefined,
    secureCookies: publicUrl.startsWith('https:'),
  };
}
