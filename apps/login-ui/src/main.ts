import 'reflect-metadata';
import { ConsoleLogger, INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Clock, limitRequests, RateLimiter, trustProxySetting } from '@tessera/abuse';
import { stopOnSignals } from '@tessera/config';
import { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import express from 'express';
import hbs from 'hbs';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { loadLoginUiConfig, LoginUiConfig } from './config/login-ui.config';
import { LoginUiModule } from './login-ui.module';
import { renderTooManySignIns } from './login/sign-in-refusals';
import { noStore, securityHeaders } from './security/security-headers';
import { singleValuedForm } from './security/single-valued-form';

export interface RunningLoginUi {
  app: INestApplication;
  port: number;
  close(): Promise<void>;
}

// Next to src/ in the repository and next to the built main's folder in dist/ (nest-cli.json assets).
const VIEWS = join(__dirname, '..', 'views');
const PUBLIC = join(__dirname, '..', 'public');

/** Builds the app and listens; used by main() and by the tests. */
export async function startLoginUi(
  config: LoginUiConfig,
  logger: LoggerService | false = new ConsoleLogger({ json: true }),
): Promise<RunningLoginUi> {
  await registerPartials();
  const app = await NestFactory.create<NestExpressApplication>(LoginUiModule.forRoot(config), { logger, bodyParser: false });
  app.disable('x-powered-by');
  // req.ip, the rate-limit key, honours X-Forwarded-For only from the configured proxies.
  app.set('trust proxy', trustProxySetting(config.trustedProxies));
  app.use(securityHeaders(config.secureCookies));
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
  return {
    app,
    port: (server.address() as AddressInfo).port,
    async close() {
      server.closeAllConnections();
      await app.close();
    },
  };
}

function registerPartials(): Promise<void> {
  return new Promise((resolve, reject) => hbs.registerPartials(join(VIEWS, 'partials'), (err) => (err ? reject(err) : resolve())));
}

async function main(): Promise<void> {
  const logger = new ConsoleLogger({ json: true });
  const config = loadLoginUiConfig(process.env, (m) => logger.warn(m, 'Config'));
  const running = await startLoginUi(config, logger);
  logger.log(`login UI: ${config.publicUrl} (port ${running.port}), token service at ${config.tokenServiceInternalUrl}`, 'Bootstrap');
  stopOnSignals(() => running.close());
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
