import 'reflect-metadata';
import { ConsoleLogger, INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { stopOnSignals } from '@tessera/config';
import { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import express from 'express';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { loadTokenServiceConfig, TokenServiceConfig } from './config/token-service.config';
import { bodyErrorsAsOAuthJson } from './http/body-errors';
import { listenerBoundary, ListenerName, markListener } from './http/listeners';
import { TokenServiceModule } from './token-service.module';

export interface RunningTokenService {
  app: INestApplication;
  publicPort: number;
  internalPort: number;
  close(): Promise<void>;
}

/** Builds the app and opens both listeners; used by main() and by the end-to-end tests. */
export async function startTokenService(
  config: TokenServiceConfig,
  logger: LoggerService | false = new ConsoleLogger({ json: true }),
): Promise<RunningTokenService> {
  const app = await NestFactory.create<NestExpressApplication>(TokenServiceModule.forRoot(config), {
    logger,
    bodyParser: false,
  });
  app.disable('x-powered-by');
  app.set('case sensitive routing', true);
  app.use(listenerBoundary);
  // Small bodies only; `extended: false` keeps repeated parameters as arrays, which the endpoints refuse.
  app.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 100 }));
  app.use(express.json({ limit: '64kb' }));
  app.use(cookieParser());
  // Right after the parsers: their errors reach the next error handler, which must be ours, not Nest's.
  app.use(bodyErrorsAsOAuthJson);
  await app.init();

  const handler = app.getHttpAdapter().getInstance() as express.Express;
  const serve = (name: ListenerName) => createServer((req, res) => {
    markListener(req, name);
    handler(req, res);
  });
  let publicServer: Server | undefined;
  let internalServer: Server;
  try {
    publicServer = await listen(serve('public'), config.port, config.host);
    internalServer = await listen(serve('internal'), config.internalPort, config.internalHost);
  } catch (err) {
    // A port already taken must not leave the other listener, the database pool or the timers behind.
    if (publicServer) await closeServer(publicServer);
    await app.close();
    throw err;
  }
  return {
    app,
    publicPort: (publicServer.address() as AddressInfo).port,
    internalPort: (internalServer.address() as AddressInfo).port,
    async close() {
      await Promise.all([closeServer(publicServer), closeServer(internalServer)]);
      await app.close();
    },
  };
}

function listen(server: Server, port: number, host?: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

async function main(): Promise<void> {
  const logger = new ConsoleLogger({ json: true });
  const config = loadTokenServiceConfig(process.env, (m) => logger.warn(m, 'Config'));
  const running = await startTokenService(config, logger);
  logger.log(`token service: issuer ${config.issuer}, internal API on ${config.internalHost}:${running.internalPort}`, 'Bootstrap');
  stopOnSignals(() => running.close());
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
