import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST, ROOT, requireBuilt } from './dist.mjs';
import { freePorts } from './ports.mjs';
import { startNode, waitForHttp } from './processes.mjs';

export const secret = () => randomBytes(32).toString('base64url');

/**
 * Starts the built token service in a process of its own, as production runs it (NODE_ENV=production,
 * explicit secrets), on free ports, with a fresh temporary DATA_DIR and SQLite file unless
 * `databaseUrl` names another database. Per-IP rate limits are off (RATE_LIMIT_ENABLED=false): every
 * request of a benchmark comes from 127.0.0.1. Resolves when discovery answers; `startupMs` is the
 * time from spawn to that first 200.
 *
 * `env` adds or overrides variables (LOGIN_UI_URL and INTERNAL_API_SECRET when a login UI goes with it).
 */
export async function startTokenService({ databaseUrl, env: extraEnv = {} } = {}) {
  const main = requireBuilt(DIST.tokenService);
  const dataDir = await mkdtemp(join(tmpdir(), 'tessera-bench-'));
  const [publicPort, internalPort] = await freePorts(2);
  const issuer = `http://127.0.0.1:${publicPort}`;
  const env = {
    NODE_ENV: 'production',
    ISSUER: issuer,
    TOKEN_SERVICE_HOST: '127.0.0.1',
    TOKEN_SERVICE_PORT: String(publicPort),
    TOKEN_SERVICE_INTERNAL_HOST: '127.0.0.1',
    TOKEN_SERVICE_INTERNAL_PORT: String(internalPort),
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl ?? `sqlite:${join(dataDir, 'tessera.sqlite')}`,
    KEY_ENCRYPTION_SECRET: secret(),
    INTERNAL_API_SECRET: secret(),
    INITIAL_ACCESS_TOKEN: secret(),
    RATE_LIMIT_ENABLED: 'false',
    ...extraEnv,
  };
  const started = performance.now();
  const child = startNode('token service', main, { env, cwd: ROOT });
  try {
    await waitForHttp(child, `${issuer}/.well-known/openid-configuration`);
  } catch (err) {
    await child.stop();
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  const startupMs = performance.now() - started;

  return {
    issuer,
    internalUrl: `http://127.0.0.1:${internalPort}`,
    env,
    process: child,
    startupMs,
    /** Registers a confidential client over RFC 7591 with the bootstrap initial access token. */
    async registerClient(metadata = {}) {
      const res = await fetch(`${issuer}/oauth2/register`, {
        method: 'POST',
        headers: { authorization: `Bearer ${env.INITIAL_ACCESS_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ client_name: 'Tessera benchmark', token_endpoint_auth_method: 'client_secret_basic', ...metadata }),
      });
      const body = await res.json();
      if (res.status !== 201) throw new Error(`client registration answered ${res.status} ${body.error ?? ''} ${body.error_description ?? ''}`);
      return { clientId: body.client_id, clientSecret: body.client_secret, metadata: body };
    },
    /** An access token for the client acting for itself (RFC 6749 §4.4). */
    async clientCredentialsToken(client) {
      const res = await fetch(`${issuer}/oauth2/token`, {
        method: 'POST',
        headers: { authorization: basicAuth(client), 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
      const body = await res.json();
      if (res.status !== 200) throw new Error(`the token endpoint answered ${res.status} ${body.error ?? ''}`);
      return body.access_token;
    },
    async stop() {
      await child.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** RFC 6749 §2.3.1: client_secret_basic, each part form-urlencoded before base64. */
export function basicAuth({ clientId, clientSecret }) {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;
}
