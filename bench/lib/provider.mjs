import { randomBytes } from 'node:crypto';
import { DIST, ROOT, requireBuilt } from './dist.mjs';
import { freePorts } from './ports.mjs';
import { startNode, waitForHttp } from './processes.mjs';
import { secret, startTokenService } from './token-service.mjs';

/**
 * The whole provider for a sign-in: the built token service and the built login UI, each in a
 * process of its own, on one database (a fresh SQLite file in the token service's DATA_DIR unless
 * `databaseUrl` names one), rate limits off. The login UI's user directory starts with one account,
 * created by its own first-administrator bootstrap (ADMIN_USERNAME / ADMIN_PASSWORD), so the
 * password hash is exactly what the app writes (argon2id, its own parameters).
 */
export async function startProvider({ databaseUrl, env: extraEnv = {} } = {}) {
  const [loginUiPort, metricsPort] = await freePorts(2);
  const loginUiUrl = `http://127.0.0.1:${loginUiPort}`;
  const internalApiSecret = secret();
  const tokenService = await startTokenService({
    databaseUrl,
    env: { LOGIN_UI_URL: loginUiUrl, INTERNAL_API_SECRET: internalApiSecret, ...extraEnv },
  });
  const user = { username: 'bench-user', password: `Bench-${randomBytes(12).toString('base64url')}` };
  const env = {
    NODE_ENV: 'production',
    ISSUER: tokenService.issuer,
    LOGIN_UI_URL: loginUiUrl,
    LOGIN_UI_HOST: '127.0.0.1',
    LOGIN_UI_PORT: String(loginUiPort),
    LOGIN_UI_METRICS_HOST: '127.0.0.1',
    LOGIN_UI_METRICS_PORT: String(metricsPort),
    TOKEN_SERVICE_INTERNAL_URL: tokenService.internalUrl,
    INTERNAL_API_SECRET: internalApiSecret,
    LOGIN_UI_SECRET: secret(),
    DATA_DIR: tokenService.env.DATA_DIR,
    DATABASE_URL: tokenService.env.DATABASE_URL,
    ADMIN_USERNAME: user.username,
    ADMIN_PASSWORD: user.password,
    RATE_LIMIT_ENABLED: 'false',
    ...extraEnv,
  };
  let loginUi;
  let loginUiStartupMs;
  try {
    const main = requireBuilt(DIST.loginUi);
    const started = performance.now();
    loginUi = startNode('login UI', main, { env, cwd: ROOT });
    await waitForHttp(loginUi, `${loginUiUrl}/health/ready`);
    loginUiStartupMs = performance.now() - started;
  } catch (err) {
    await loginUi?.stop();
    await tokenService.stop();
    throw err;
  }
  return {
    tokenService,
    issuer: tokenService.issuer,
    loginUiUrl,
    loginUi,
    loginUiStartupMs,
    user,
    /** Origins a browser may visit during a sign-in: everything else is the partner. */
    origins: [new URL(tokenService.issuer).origin, new URL(loginUiUrl).origin],
    async stop() {
      await loginUi.stop();
      await tokenService.stop();
    },
  };
}
