import 'reflect-metadata';
import { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Clock, limitRequests, RateLimit, RateLimiter, trustProxySetting } from '@tessera/abuse';
import { OAuthError } from '@tessera/contracts';
import { accessLog, closeGracefully, JsonLogger, listen, MetricsRegistry, noSniff, runApp, serveMetrics, strictTransportSecurity } from '@tessera/operations';
import { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import express from 'express';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { loadTokenServiceConfig, TokenServiceConfig } from './config/token-service.config';
import { publishedDiscoveryDocument } from './discovery/discovery-document';
import { bodyErrorsAsOAuthJson } from './http/body-errors';
import { listenerBoundary, ListenerName, markListener } from './http/listeners';
import { RouteNotFoundFilter } from './http/not-found.filter';
import { wellKnownFastPath } from './http/well-known-fast-path';
import { jwksDocument } from './keys/jwks.controller';
import { SigningKeys } from './keys/signing-keys.service';
import { registerTokenServiceMetrics } from './metrics/token-service.metrics';
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
  logger: LoggerService | false = new JsonLogger({ service: 'token-service' }),
): Promise<RunningTokenService> {
  const metrics = new MetricsRegistry();
  let started: INestApplication | undefined;
  const countTokens = registerTokenServiceMetrics(metrics, () => started);
  const app = await NestFactory.create<NestExpressApplication>(TokenServiceModule.forRoot(config), {
    logger,
    bodyParser: false,
  });
  app.disable('x-powered-by');
  app.set('case sensitive routing', true);
  // req.ip, the rate-limit key, honours X-Forwarded-For only from the configured proxies.
  app.set('trust proxy', trustProxySetting(config.trustedProxies));
  // First, so every answer (a 404 of the boundary, a 429) has a request id, an access line and a count.
  const log = accessLog({ logger: logger instanceof JsonLogger ? logger : false, metrics, onFinished: countTokens });
  app.use(log);
  app.use(strictTransportSecurity(config.secureCookies));
  app.use(noSniff);
  app.use(listenerBoundary);
  limitPublicEndpoints(app, config.rateLimits);
  // Small bodies only; `extended: false` keeps repeated parameters as arrays, which the endpoints refuse.
  app.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 100 }));
  app.use(express.json({ limit: '64kb' }));
  app.use(cookieParser());
  // Right after the parsers: their errors reach the next error handler, which must be ours, not Nest's.
  app.use(bodyErrorsAsOAuthJson);
  // Before init(), which installs Nest's catch-all 404: it must answer through this filter.
  app.useGlobalFilters(new RouteNotFoundFilter());
  await app.init();

  const handler = app.getHttpAdapter().getInstance() as express.Express;
  started = app;
  const keys = app.get(SigningKeys);
  const discovery = publishedDiscoveryDocument(config.issuer);
  // The documents every relying party polls, answered from prepared bytes before Express (issue 5).
  const wellKnown = wellKnownFastPath({
    documents: {
      '/.well-known/jwks.json': () => jwksDocument(keys),
      '/.well-known/openid-configuration': () => discovery,
      '/.well-known/oauth-authorization-server': () => discovery,
    },
    hsts: config.secureCookies,
    answered: log.answered,
  });
  const serve = (name: ListenerName) => createServer((req, res) => {
    // Metrics only on the internal listener, answered before the app so no public route can reach them.
    if (name === 'internal' && serveMetrics(metrics, req, res, config.operations.metricsToken)) return;
    if (name === 'public' && wellKnown(req, res)) return;
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
    /** Stops accepting, lets requests in flight finish (up to SHUTDOWN_TIMEOUT), then closes the pool. */
    async close() {
      const timeout = config.operations.shutdownTimeoutMs;
      await Promise.all([closeGracefully(publicServer, timeout), closeGracefully(internalServer, timeout)]);
      await app.close();
    },
  };
}

/**
 * Per-IP limits on the endpoints a client can hammer with guesses or floods, by route, before the
 * body parsers so a refused request costs nothing more. Each instance counts in its own memory: the
 * limits slow one source down; nothing exact depends on them.
 */
function limitPublicEndpoints(app: NestExpressApplication, limits: TokenServiceConfig['rateLimits']): void {
  const clock = app.get(Clock);
  const routes: [string, RateLimit | undefined][] = [
    ['/oauth2/token', limits.token],
    ['/oauth2/register', limits.register],
    ['/oauth2/introspect', limits.introspect],
  ];
  for (const [path, limit] of routes) {
    if (!limit) continue;
    const limiter = new RateLimiter({ ...limit, now: () => clock.now() });
    app.use(path, limitRequests(limiter, { methods: ['POST'], refuse: tooManyRequests }));
  }
}

/**
 * 429 with Retry-After (RFC 6585 §4) and an RFC 6749 §5.2 body. No error code is registered for
 * throttling at these endpoints: `slow_down` belongs to the device grant (RFC 8628 §3.5), where it
 * tells a client to lengthen its polling interval, so a client of another grant would misread it;
 * `temporarily_unavailable` (RFC 6749 §4.1.2.1, IANA OAuth Extensions Error Registry) means "cannot
 * handle the request now because of temporary overloading", which is what the client should act on.
 */
function tooManyRequests(_req: express.Request, res: express.Response, retryAfterSeconds: number): void {
  const error = new OAuthError('temporarily_unavailable', `too many requests from this address; retry after ${retryAfterSeconds} seconds`, 429);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  res.json(error.toJSON());
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

if (require.main === module) {
  runApp('token-service', async (logger) => {
    const config = loadTokenServiceConfig(process.env, (m) => logger.warn(m, 'Config'));
    const running = await startTokenService(config, logger);
    logger.log(`token service: issuer ${config.issuer}, internal API on ${config.internalHost}:${running.internalPort}`, 'Bootstrap');
    return running;
  });
}
