/**
 * Boots the whole provider in-process for an end-to-end suite: the token service (public and
 * internal listener) and the login UI, each on a free port, on a fresh SQLite file (or the shared
 * MySQL/MariaDB database when DATABASE_URL names one), configured through their real config loaders
 * from an explicit environment, never from the developer's own.
 */
import type { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { JsonLogger, LogSink } from '@tessera/operations';
import { loadLoginUiConfig } from '../../apps/login-ui/src/config/login-ui.config';
import { startLoginUi } from '../../apps/login-ui/src/main';
import { Users } from '../../apps/login-ui/src/users/users.service';
import { loadTokenServiceConfig } from '../../apps/token-service/src/config/token-service.config';
import { RunningTokenService, startTokenService } from '../../apps/token-service/src/main';
import { freePorts, isPortTaken } from '../support/free-port';
import { sharedDatabaseUrl, stableSecretFor, testDatabaseUrl } from '../support/test-database';

export interface TestUser {
  username: string;
  password: string;
  email: string;
  name: string;
}

export interface RegisteredClient {
  /** openid-client's configuration for this client, authenticating as it registered. */
  config: oidc.Configuration;
  clientId: string;
  clientSecret?: string;
  /** The client metadata as the registration endpoint returned it (RFC 7591 §3.2.1). */
  metadata: oidc.ClientMetadata;
}

export interface Provider {
  issuer: string;
  loginUiUrl: string;
  /** Base URL of the token service's internal listener (the login/consent provider API). */
  internalUrl: string;
  /** Base URL of the login UI's metrics listener. */
  loginUiMetricsUrl: string;
  internalApiSecret: string;
  initialAccessToken: string;
  /** The environment both apps were configured from. */
  env: Record<string, string>;
  /** The running token service's app (after `startTokenServiceAgain()`, the new one). */
  tokenServiceApp: INestApplication;
  loginUiApp: INestApplication;
  /** Origins that belong to the provider: a browser that leaves them has left for a partner. */
  origins: string[];
  createUser(overrides?: Partial<TestUser>): Promise<TestUser>;
  registerClient(metadata: Partial<oidc.ClientMetadata>, options?: { auth?: 'basic' | 'post' | 'none' }): Promise<RegisteredClient>;
  /** openid-client's discovery of this issuer, without a client of its own. */
  serverMetadata(): Promise<oidc.ServerMetadata>;
  /**
   * Takes the issuer down: closes both token service listeners (public and internal) and the app,
   * as an outage would. The login UI keeps running. Resolves once nothing answers on those ports.
   */
  stopTokenService(): Promise<void>;
  /** Brings the token service back on the same ports, database and environment (so the same signing keys). */
  startTokenServiceAgain(): Promise<void>;
  close(): Promise<void>;
}

const insecure = { execute: [oidc.allowInsecureRequests] };

/** A random name safe in usernames, client names and e-mail local parts. */
export function randomName(prefix: string): string {
  return `${prefix}${randomBytes(6).toString('hex')}`;
}

/** A 43-character random secret (32 bytes, base64url), like the ones an operator would generate. */
function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

export interface ProviderOptions {
  /** Receives every log line of both apps (JSON, one per call); without it the apps log nothing. */
  logSink?: LogSink;
  /**
   * The URLs browsers and partners use when something in front serves the listeners (the router of
   * test/e2e/cluster.ts): ISSUER and LOGIN_UI_URL, instead of the listeners' own addresses.
   */
  publicUrls?: { issuer: string; loginUiUrl: string };
}

export async function startProvider(extraEnv: Record<string, string> = {}, options: ProviderOptions = {}): Promise<Provider> {
  // A port can be taken between the probe and the bind; then start again, from a fresh folder so
  // no key stored under the failed attempt's secrets is left behind on SQLite.
  for (let attempt = 1; ; attempt++) {
    const tmp = await mkdtemp(join(tmpdir(), 'tessera-e2e-'));
    try {
      return await startOnFreePorts(tmp, extraEnv, options);
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      if (!isPortTaken(err) || attempt === 5) throw err;
    }
  }
}

async function startOnFreePorts(tmp: string, extraEnv: Record<string, string>, options: ProviderOptions): Promise<Provider> {
  const logger = (service: string) => (options.logSink ? new JsonLogger({ service, sink: options.logSink }) : false);
  const [publicPort, internalPort, loginUiPort, loginUiMetricsPort] = await freePorts(4);
  const issuer = options.publicUrls?.issuer ?? `http://127.0.0.1:${publicPort}`;
  const loginUiUrl = options.publicUrls?.loginUiUrl ?? `http://127.0.0.1:${loginUiPort}`;
  const internalUrl = `http://127.0.0.1:${internalPort}`;
  const databaseUrl = testDatabaseUrl(tmp);
  const shared = sharedDatabaseUrl();
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    ISSUER: issuer,
    TOKEN_SERVICE_HOST: '127.0.0.1',
    TOKEN_SERVICE_PORT: String(publicPort),
    TOKEN_SERVICE_INTERNAL_HOST: '127.0.0.1',
    TOKEN_SERVICE_INTERNAL_PORT: String(internalPort),
    TOKEN_SERVICE_INTERNAL_URL: internalUrl,
    LOGIN_UI_URL: loginUiUrl,
    LOGIN_UI_HOST: '127.0.0.1',
    LOGIN_UI_PORT: String(loginUiPort),
    LOGIN_UI_METRICS_PORT: String(loginUiMetricsPort),
    DATA_DIR: tmp,
    DATABASE_URL: databaseUrl,
    // Signing keys are stored encrypted under this secret: on a shared database every run must use
    // the same one, or it could not read the keys an earlier run left there.
    KEY_ENCRYPTION_SECRET: shared ? stableSecretFor(shared, 'KEY_ENCRYPTION_SECRET') : randomSecret(),
    INTERNAL_API_SECRET: randomSecret(),
    LOGIN_UI_SECRET: randomSecret(),
    INITIAL_ACCESS_TOKEN: randomSecret(),
    ...extraEnv,
  };

  let tokenService: RunningTokenService | undefined = await startTokenService(loadTokenServiceConfig(env), logger('token-service'));
  let lastTokenServiceApp = tokenService.app;
  let loginUi: Awaited<ReturnType<typeof startLoginUi>>;
  try {
    loginUi = await startLoginUi(loadLoginUiConfig(env, () => undefined), logger('login-ui'));
  } catch (err) {
    await tokenService.close();
    throw err;
  }

  const createUser = async (overrides: Partial<TestUser> = {}): Promise<TestUser> => {
    const username = overrides.username ?? randomName('user');
    const user: TestUser = {
      username,
      password: overrides.password ?? `Corr3ct-Horse-${randomBytes(6).toString('hex')}`,
      email: overrides.email ?? `${username}@example.com`,
      name: overrides.name ?? `Test ${username}`,
    };
    // The login UI's own user directory, on the app's DataSource: what `npm run cli -- users:create` does.
    await loginUi.app.get(Users).create({ username: user.username, password: user.password, email: user.email, name: user.name });
    return user;
  };

  const registerClient = async (
    metadata: Partial<oidc.ClientMetadata>,
    options: { auth?: 'basic' | 'post' | 'none' } = {},
  ): Promise<RegisteredClient> => {
    const auth = options.auth ?? (metadata.token_endpoint_auth_method === 'none' ? 'none' : 'basic');
    const registered = await oidc.dynamicClientRegistration(new URL(issuer), {
      client_name: randomName('client'),
      token_endpoint_auth_method: auth === 'post' ? 'client_secret_post' : auth === 'none' ? 'none' : 'client_secret_basic',
      ...metadata,
    }, undefined, { initialAccessToken: env.INITIAL_ACCESS_TOKEN, ...insecure });
    const client = registered.clientMetadata();
    const secret = typeof client.client_secret === 'string' ? client.client_secret : undefined;
    const clientAuth = auth === 'none' ? oidc.None()
      : auth === 'post' ? oidc.ClientSecretPost(secret)
      : oidc.ClientSecretBasic(secret);
    const config = new oidc.Configuration(registered.serverMetadata(), client.client_id, client, clientAuth);
    oidc.allowInsecureRequests(config);
    return { config, clientId: client.client_id, clientSecret: secret, metadata: client };
  };

  return {
    issuer,
    loginUiUrl,
    internalUrl,
    loginUiMetricsUrl: `http://127.0.0.1:${loginUiMetricsPort}`,
    internalApiSecret: env.INTERNAL_API_SECRET,
    initialAccessToken: env.INITIAL_ACCESS_TOKEN,
    env,
    get tokenServiceApp() {
      return lastTokenServiceApp;
    },
    loginUiApp: loginUi.app,
    origins: [new URL(issuer).origin, new URL(loginUiUrl).origin],
    createUser,
    registerClient,
    async serverMetadata() {
      return (await oidc.discovery(new URL(issuer), 'unused', undefined, undefined, insecure)).serverMetadata();
    },
    async stopTokenService() {
      if (!tokenService) throw new Error('the token service is already stopped');
      const stopping = tokenService;
      tokenService = undefined;
      await stopping.close();
    },
    async startTokenServiceAgain() {
      if (tokenService) throw new Error('the token service is already running');
      // The same ports: partners keep the issuer URL they discovered. Another process could take a
      // port while it was free (unlikely below the ephemeral range); try a few times before giving up.
      for (let attempt = 1; ; attempt++) {
        try {
          tokenService = await startTokenService(loadTokenServiceConfig(env), logger('token-service'));
          lastTokenServiceApp = tokenService.app;
          return;
        } catch (err) {
          if (!isPortTaken(err) || attempt === 5) throw err;
          await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
        }
      }
    },
    async close() {
      await Promise.allSettled([loginUi.close(), tokenService?.close()]);
      tokenService = undefined;
      await rm(tmp, { recursive: true, force: true });
    },
  };
}
