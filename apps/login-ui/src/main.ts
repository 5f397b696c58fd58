import 'reflect-metadata';
import { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Clock, limitRequests, RateLimiter, trustProxySetting } from '@tessera/abuse';
import { accessLog, closeGracefully, JsonLogger, listen, metricsOnly, noStore, pageSecurityHeaders, runApp } from '@tessera/operations';
import { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import express from 'express';
import hbs from 'hbs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { loadLoginUiConfig, LoginUiConfig } from './config/login-ui.config';
import { LoginUiModule } from './login-ui.module';
import { renderTooManySignIns } from './login/sign-in-refusals';
import { LoginUiMetrics } from './metrics/login-ui.metrics';
import { singleValuedForm } from './security/single-valued-form';

export interface RunningLoginUi {
  app: INestApplication;
  port: number;
  /** Port of the listener that serves only `GET /metrics`. */
  metricsPort: number;
  close(): Promise<void>;
}

// Next to src/ in the repository and next to the built main's folder in dist/ (nest-cli.json assets).
const VIEWS = join(__dirname, '..', 'views');
const PUBLIC = join(__dirname, '..', 'public');

/** Builds the app and listens; used by main() and by the tests. */
export async function startLoginUi(
  config: LoginUiConfig,
  logger: LoggerService | false = new JsonLogger({ service: 'login-ui' }),
): Promise<RunningLoginUi> {
  await registerPartials();
  const metrics = new LoginUiMetrics();
  const app = await NestFactory.create<NestExpressApplication>(LoginUiModule.forRoot(config, metrics), { logger, bodyParser: false });
  metrics.watch(() => app);
  app.disable('x-powered-by');
  // req.ip, the rate-limit key, honours X-Forwarded-For only from the configured proxies.
  app.set('trust proxy', trustProxySetting(config.trustedProxies));
  // First, so every answer has a request id, an access line and a count.
  app.use(accessLog({ logger: logger instanceof JsonLogger ? logger : false, metrics: metrics.registry }));
  // Challenges travel in URLs: never hand them to another site in a Referer.
  app.use(pageSecurityHeaders({ secure: config.secureCookies, referrerPolicy: 'no-referrer' }));
  app.useStaticAssets(PUBLIC, { prefix: '/static/', maxAge: '1h', index: false });
  app.use(noStore);
  if (config.rateLimits.login) {
    // Per address and per instance (memory): it slows one source down; the account lockout, in the
    // database, is the exact defence shared by every instance. Before the body parser, so a refused
    // request costs nothing more.
    const clock = app.get(Clock);
    const limiter = new RateLimiter({ ...config.rateLimits.login, now: () => clock.now() });
    app.use('/login', limitRequests(limiter, { methods: ['POST'], refuse: renderTooManySignIns }));
  }
  // Our forms are a handful of short fields; `extended: false` keeps a repeated field an array, which is refused.
  app.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 }));
  app.use(singleValuedForm);
  app.use(cookieParser());
  app.setBaseViewsDir(VIEWS);
  app.setViewEngine('hbs');
  app.set('view options', { layout: 'layouts/main' });
  try {
    await (config.host ? app.listen(config.port, config.host) : app.listen(config.port));
  } catch (err) {
    await app.close(); // a port already taken must not leave the database pool behind
    throw err;
  }
  const server = app.getHttpServer() as Server;
  // Metrics on a listener of their own (loopback by default), never on the public port: the sign-in
  // outcomes and lockout counts would tell an attacker how a guessing campaign is going.
  let metricsServer: Server;
  try {
    metricsServer = await listen(createServer(metricsOnly(metrics.registry, config.operations.metricsToken)), config.metricsPort, config.metricsHost);
  } catch (err) {
    server.closeAllConnections();
    await app.close();
    throw err;
  }
  return {
    app,
    port: (server.address() as AddressInfo).port,
    metricsPort: (metricsServer.address() as AddressInfo).port,
    /** Stops accepting, lets requests in flight finish (up to SHUTDOWN_TIMEOUT), then closes the pool. */
    async close() {
      const timeout = config.operations.shutdownTimeoutMs;
      await Promise.all([closeGracefully(server, timeout), closeGracefully(metricsServer, timeout)]);
      await app.close();
    },
  };
}

function registerPartials(): Promise<void> {
  return new Promise((resolve, reject) => hbs.registerPartials(join(VIEWS, 'partials'), (err) => (err ? reject(err) : resolve())));
}

if (require.main === module) {
  runApp('login-ui', async (logger) => {
    const config = loadLoginUiConfig(process.env, (m) => logger.warn(m, 'Config'));
    const running = await startLoginUi(config, logger);
    logger.log(`login UI: ${config.publicUrl} (port ${running.port}), metrics on ${config.metricsHost}:${running.metricsPort}, token service at ${config.tokenServiceInternalUrl}`, 'Bootstrap');
    return running;
  });
}
