import { ConfigError, Env, readBaseUrl, readInt, readPort, readString, secretOrDevDefault } from '@tessera/config';
import { OperationsConfig, readOperationsConfig } from '@tessera/operations';
import { join, resolve } from 'node:path';

export interface PartnerDemoConfig {
  /** Where browsers reach the demo; the redirect URIs are registered under it. */
  publicUrl: string;
  port: number;
  /** Interface to bind to; undefined means every interface. */
  host?: string;
  issuer: string;
  dataDir: string;
  /** Where the registered client is kept (issuer, redirect URI, credentials), mode 0600. */
  clientFile: string;
  /** Where the verifier persists the last good JWKS, so a restart verifies while Tessera is down. */
  jwksCacheFile: string;
  /** For RFC 7591 registration on first start. */
  initialAccessToken?: string;
  /** A client registered by other means: skips registration entirely. */
  clientId?: string;
  clientSecret?: string;
  /** Seals the sign-in transaction cookie. */
  secret: string;
  /** Cookies get `Secure` when the demo is served over https. */
  secureCookies: boolean;
  /** How long to wait for the token service at start-up before giving up. */
  startupTimeoutMs: number;
  /** Transport rule and shutdown bound, shared by every app. */
  operations: OperationsConfig;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Reads and validates the environment once; a bad value throws a ConfigError naming the variable. */
export function loadPartnerDemoConfig(env: Env, warn: (message: string) => void = () => undefined): PartnerDemoConfig {
  const publicUrl = readBaseUrl(env, 'PARTNER_DEMO_URL', 'http://localhost:3002');
  // The callback and post-logout URIs are registered as `${publicUrl}/callback` and `${publicUrl}/`.
  if (new URL(publicUrl).pathname !== '/') throw new ConfigError('PARTNER_DEMO_URL', 'must be an origin without a path');
  const issuer = readBaseUrl(env, 'ISSUER', 'http://localhost:3000');
  // Tokens and client credentials travel to the issuer: plain http only on this machine (RFC 8252 §8.3).
  if (issuer.startsWith('http:') && !LOOPBACK.has(new URL(issuer).hostname)) {
    throw new ConfigError('ISSUER', 'must use https (plain http only for localhost, 127.0.0.1 or [::1])');
  }
  // Before any secret is generated: a refused start leaves nothing behind.
  const operations = readOperationsConfig(env, { PARTNER_DEMO_URL: publicUrl });
  const dataDir = resolve(readString(env, 'DATA_DIR', './data'));
  const clientId = readString(env, 'PARTNER_DEMO_CLIENT_ID');
  const clientSecret = env.PARTNER_DEMO_CLIENT_SECRET?.trim() || undefined;
  if (clientSecret !== undefined && clientId === undefined) {
    throw new ConfigError('PARTNER_DEMO_CLIENT_SECRET', 'is set without PARTNER_DEMO_CLIENT_ID');
  }
  return {
    publicUrl,
    port: readPort(env, 'PARTNER_DEMO_PORT', 3002),
    host: readString(env, 'PARTNER_DEMO_HOST'),
    issuer,
    dataDir,
    clientFile: join(dataDir, 'partner-demo-client.json'),
    jwksCacheFile: join(dataDir, 'partner-demo-jwks.json'),
    initialAccessToken: readString(env, 'INITIAL_ACCESS_TOKEN'),
    clientId,
    clientSecret,
    secret: secretOrDevDefault(env, 'PARTNER_DEMO_SECRET', dataDir, warn),
    secureCookies: publicUrl.startsWith('https:'),
    startupTimeoutMs: readInt(env, 'PARTNER_DEMO_STARTUP_TIMEOUT', 60, { min: 1, max: 3600 }) * 1000,
    operations,
  };
}
