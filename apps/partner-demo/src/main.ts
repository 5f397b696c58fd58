import 'reflect-metadata';
import { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { accessLog, closeGracefully, JsonLogger, noStore, pageSecurityHeaders, runApp } from '@tessera/operations';
import { createLogin, createVerifier, RpEvent, Verifier } from '@tessera/rp';
import cookieParser from 'cookie-parser';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { clientTarget, ensureClient } from './client/client-registration';
import { StartupLog } from './client/retry';
import { loadPartnerDemoConfig, PartnerDemoConfig } from './config/partner-demo.config';
import { PartnerDemoModule } from './partner-demo.module';

export { loadPartnerDemoConfig } from './config/partner-demo.config';
export type { PartnerDemoConfig } from './config/partner-demo.config';

export interface RunningPartnerDemo {
  app: INestApplication;
  port: number;
  /** The client the demo signs people in with, and whether it was registered by this start. */
  clientId: string;
  clientSource: 'environment' | 'stored' | 'registered';
  verifier: Verifier;
  close(): Promise<void>;
}

// Next to src/ in the repository and next to the built main's folder in dist/ (nest-cli.json assets).
const VIEWS = join(__dirname, '..', 'views');
const PUBLIC = join(__dirname, '..', 'public');
const CONTEXT = 'PartnerDemo';

/**
 * Makes sure the demo has a client at the issuer (waiting for a token service that is still
 * starting), then builds the app and listens; used by main() and by the tests.
 */
export async function startPartnerDemo(
  config: PartnerDemoConfig,
  logger: LoggerService | false = new JsonLogger({ service: 'partner-demo' }),
): Promise<RunningPartnerDemo> {
  const log: StartupLog = {
    info: (message) => (logger ? logger.log(message, CONTEXT) : undefined),
    warn: (message) => (logger ? logger.warn(message, CONTEXT) : undefined),
  };
  const client = await ensureClient(config, log);
  const verifier = createVerifier({
    issuer: config.issuer,
    audience: client.clientId,
    // The last good key set survives a restart of the demo, so sessions verify while Tessera is down.
    jwks: { cacheFile: config.jwksCacheFile },
    onEvent: jwksEventLogger(log),
  });
  const login = createLogin({
    issuer: config.issuer,
    clientId: client.clientId,
    ...(client.clientSecret === undefined ? {} : { clientSecret: client.clientSecret }),
    redirectUri: clientTarget(config).redirectUri,
    scope: 'openid profile email',
    secret: config.secret,
  });
  // Not fatal: a restart while Tessera is down still serves the sessions the cached keys verify.
  await verifier.warmUp().catch((err: unknown) => log.warn(`signing keys not loaded yet: ${err instanceof Error ? err.message : String(err)}`));

  let app: NestExpressApplication;
  try {
    app = await NestFactory.create<NestExpressApplication>(PartnerDemoModule.forRoot(config, login, verifier), { logger, bodyParser: false });
  } catch (err) {
    verifier.close();
    throw err;
  }
  app.disable('x-powered-by');
  // First, so every answer has a request id and an access line.
  app.use(accessLog({ logger: logger instanceof JsonLogger ? logger : false }));
  // same-origin: the sign-out POST keeps its Origin for the CSRF check, and no URL leaves for Tessera.
  app.use(pageSecurityHeaders({ secure: config.secureCookies, referrerPolicy: 'same-origin' }));
  app.useStaticAssets(PUBLIC, { prefix: '/static/', maxAge: '1h', index: false });
  app.use(noStore);
  app.use(cookieParser());
  app.setBaseViewsDir(VIEWS);
  app.setViewEngine('hbs');
  app.set('view options', { layout: 'layouts/main' });
  try {
    await (config.host ? app.listen(config.port, config.host) : app.listen(config.port));
  } catch (err) {
    verifier.close();
    await app.close();
    throw err;
  }
  const server = app.getHttpServer() as Server;
  return {
    app,
    port: (server.address() as AddressInfo).port,
    clientId: client.clientId,
    clientSource: client.source,
    verifier,
    /** Stops accepting, lets requests in flight finish (up to SHUTDOWN_TIMEOUT), then stops the key cache. */
    async close() {
      await closeGracefully(server, config.operations.shutdownTimeoutMs);
      verifier.close();
      await app.close();
    },
  };
}

/** Cache events as log lines; while Tessera stays down, "still serving stale keys" at most once a minute. */
function jwksEventLogger(log: StartupLog): (event: RpEvent) => void {
  let lastStaleLog = 0;
  return (event) => {
    switch (event.type) {
      case 'jwks:refreshed':
        lastStaleLog = 0;
        log.info(`signing keys refreshed: ${event.kids.join(', ')} (max-age ${event.maxAgeSeconds} s)`);
        break;
      case 'jwks:loaded-from-file':
        log.info(`signing keys loaded from the cache file (${event.ageSeconds} s old)`);
        break;
      case 'jwks:not-modified':
        lastStaleLog = 0;
        break;
      case 'jwks:stale':
        if (Date.now() - lastStaleLog < 60_000) break;
        lastStaleLog = Date.now();
        log.warn(`Tessera unreachable, verifying with the last good signing keys (${event.ageSeconds} s old): ${event.error}`);
        break;
      default:
        log.warn(`signing keys: ${JSON.stringify(event)}`);
    }
  };
}

if (require.main === module) {
  runApp('partner-demo', async (logger) => {
    const config = loadPartnerDemoConfig(process.env, (m) => logger.warn(m, 'Config'));
    const running = await startPartnerDemo(config, logger);
    logger.log(`partner demo: ${config.publicUrl} (port ${running.port}), client ${running.clientId} at ${config.issuer}`, 'Bootstrap');
    return running;
  });
}
