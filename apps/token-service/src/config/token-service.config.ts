import { RateLimit, readRateLimit, readTrustedProxies } from '@tessera/abuse';
import { Env, readBaseUrl, readInt, readPort, readString, secretOrDevDefault } from '@tessera/config';
import { DatabaseTarget, parseDatabaseUrl } from '@tessera/database';
import { OperationsConfig, readOperationsConfig } from '@tessera/operations';
import { resolve } from 'node:path';

export interface TokenServiceConfig {
  /** The issuer identifier: `iss` in every token, base of every public URL. */
  issuer: string;
  port: number;
  /** Interface the public listener binds to; undefined means every interface. */
  host?: string;
  internalPort: number;
  internalHost: string;
  loginUiUrl: string;
  database: DatabaseTarget;
  /** Seconds to keep waiting at start-up for a database that cannot be reached yet; then exit. */
  databaseStartupTimeout: number;
  dataDir: string;
  keyEncryptionSecret: string;
  internalApiSecret: string;
  /** The bootstrap initial access token for dynamic client registration (RFC 7591 §3). */
  initialAccessToken?: string;
  /** Lifetimes in seconds. */
  ttl: {
    accessToken: number;
    idToken: number;
    refreshToken: number;
    authorizationCode: number;
    /** An unfinished sign-in (login and consent challenges). */
    flow: number;
    /** The SSO session when the person did not ask to be remembered, and when they did. */
    session: number;
    rememberedSession: number;
    jwksCache: number;
    /** How long a relying party may cache a Status List Token (its `ttl` claim and max-age). */
    statusList: number;
  };
  /** Seconds an active signing key signs before the next one replaces it (keys/key-schedule.ts). */
  keyRotationPeriod: number;
  /** Seconds between two cleanup passes of one instance (maintenance/cleanup.service.ts); 0 turns them off. */
  cleanupInterval: number;
  /** Days the cleanup keeps audit events (maintenance/cleanup-pass.ts); 0 keeps them forever. */
  auditRetentionDays: number;
  /**
   * Seconds a logout waits for the first back-channel deliveries before the browser moves on
   * (logout/backchannel/); the ones still running then finish, and are retried, in the background.
   */
  backchannelLogoutWait: number;
  /** Cookies get `Secure` when the issuer is served over https. */
  secureCookies: boolean;
  /** Per-IP limits of the public JSON endpoints, kept in each instance's memory; an absent one is off. */
  rateLimits: { token?: RateLimit; register?: RateLimit; introspect?: RateLimit };
  /** Proxies whose X-Forwarded-For names the client (Express `trust proxy`); none by default. */
  trustedProxies: string[];
  /** Transport rule, shutdown bound and metrics access, shared by every app. */
  operations: OperationsConfig;
}

export const TOKEN_SERVICE_CONFIG = Symbol('TOKEN_SERVICE_CONFIG');

const HOUR = 3600;
const DAY = 24 * HOUR;

/** Reads and validates the environment once; a bad value throws a ConfigError naming the variable. */
export function loadTokenServiceConfig(env: Env, warn: (message: string) => void = () => undefined): TokenServiceConfig {
  const issuer = readBaseUrl(env, 'ISSUER', 'http://localhost:3000');
  const loginUiUrl = readBaseUrl(env, 'LOGIN_UI_URL', 'http://localhost:3001');
  // Before any secret is generated: a refused start leaves nothing behind.
  const operations = readOperationsConfig(env, { ISSUER: issuer, LOGIN_UI_URL: loginUiUrl });
  const dataDir = resolve(readString(env, 'DATA_DIR', './data'));
  const secret = (name: string) => secretOrDevDefault(env, name, dataDir, warn);
  return {
    issuer,
    port: readPort(env, 'TOKEN_SERVICE_PORT', 3000),
    host: readString(env, 'TOKEN_SERVICE_HOST'),
    internalPort: readPort(env, 'TOKEN_SERVICE_INTERNAL_PORT', 3100),
    internalHost: readString(env, 'TOKEN_SERVICE_INTERNAL_HOST', '127.0.0.1'),
    loginUiUrl,
    database: parseDatabaseUrl(env.DATABASE_URL),
    databaseStartupTimeout: readInt(env, 'DATABASE_STARTUP_TIMEOUT', 120, { min: 0, max: 3600 }),
    dataDir,
    keyEncryptionSecret: secret('KEY_ENCRYPTION_SECRET'),
    internalApiSecret: secret('INTERNAL_API_SECRET'),
    initialAccessToken: readString(env, 'INITIAL_ACCESS_TOKEN'),
    ttl: {
      accessToken: readInt(env, 'ACCESS_TOKEN_TTL', 900, { min: 60, max: DAY }),
      idToken: readInt(env, 'ID_TOKEN_TTL', HOUR, { min: 60, max: DAY }),
      refreshToken: readInt(env, 'REFRESH_TOKEN_TTL', 30 * DAY, { min: HOUR, max: 365 * DAY }),
      authorizationCode: readInt(env, 'AUTHORIZATION_CODE_TTL', 60, { min: 10, max: 600 }),
      flow: readInt(env, 'LOGIN_FLOW_TTL', 30 * 60, { min: 60, max: DAY }),
      session: readInt(env, 'SSO_SESSION_TTL', 12 * HOUR, { min: 300, max: 30 * DAY }),
      rememberedSession: readInt(env, 'SSO_REMEMBERED_SESSION_TTL', 30 * DAY, { min: HOUR, max: 365 * DAY }),
      jwksCache: readInt(env, 'JWKS_MAX_AGE', 300, { min: 0, max: DAY }),
      statusList: readInt(env, 'STATUS_LIST_TTL', 60, { min: 1, max: HOUR }),
    },
    // At least a day: well above the longest lead time (JWKS_MAX_AGE ≤ 1 day + 135 s), so a next key
    // is never due before the previous one has been active for a while.
    keyRotationPeriod: readInt(env, 'KEY_ROTATION_PERIOD', 30 * DAY, { min: 2 * DAY, max: 365 * DAY }),
    cleanupInterval: readInt(env, 'CLEANUP_INTERVAL', 300, { min: 0, max: DAY }),
    // How long to keep the audit trail is the operator's (or their regulator's) decision, not ours.
    auditRetentionDays: readInt(env, 'AUDIT_RETENTION_DAYS', 0, { min: 0, max: 36_500 }),
    backchannelLogoutWait: readInt(env, 'BACKCHANNEL_LOGOUT_WAIT', 3, { min: 0, max: 30 }),
    secureCookies: issuer.startsWith('https:'),
    // Generous: a partner's back end sends every user's code and refresh through one address, and a
    // resource server may introspect per request. They cap a flood from one source per instance;
    // RATE_LIMIT_ENABLED=false turns them off for a benchmark from 127.0.0.1.
    rateLimits: {
      token: readRateLimit(env, 'RATE_LIMIT_TOKEN', { limit: 6000, windowSeconds: 60 }),
      register: readRateLimit(env, 'RATE_LIMIT_REGISTER', { limit: 300, windowSeconds: 60 }),
      introspect: readRateLimit(env, 'RATE_LIMIT_INTROSPECT', { limit: 6000, windowSeconds: 60 }),
    },
    trustedProxies: readTrustedProxies(env),
    operations,
  };
}
