import 'reflect-metadata';
import { INestApplication, Logger, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Clock, limitRequests, RateLimit, RateLimiter, trustProxySetting } from '@tessera/abuse';
import { ADMIN_API_PREFIX } from '@tessera/contracts';
import { accessLog, closeGracefully, JsonLogger, listen, MetricsRegistry, noSniff, runApp, serveMetrics, strictTransportSecurity } from '@tessera/operations';
import { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import express from 'express';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { loadTokenServiceConfig, TokenServiceConfig } from './config/token-service.config';
import { publishedDiscoveryDocument } from './discovery/discovery-document';
import { adminApiBodyErrors, AdminApiRouteNotFound } from './admin/admin-api.filter';
import { bodyErrorsAsOAuthJson } from './http/body-errors';
import { listenerBoundary, ListenerName, markListener } from './http/listeners';
import { RouteNotFoundFilter } from './http/not-found.filter';
import { tokenFastPath } from './http/token-fast-path';
import { tooManyRequestsAnswer } from './http/too-many-requests';
import { wellKnownFastPath } from './http/well-known-fast-path';
import { jwksDocument } from './keys/jwks.controller';
import { SigningKeys } from './keys/signing-keys.service';
import { CleanupMetrics } from './maintenance/cleanup.metrics';
import { Cleanup } from './maintenance/cleanup.service';
import { registerTokenServiceMetrics } from './metrics/token-service.metrics';
import { TokenServiceModule } from './token-service.module';
import { TokenEndpoint } from './token/token-endpoint';

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
  const limiters = limitPublicEndpoints(app, config.rateLimits);
  // Small bodies only; `extended: false` keeps repeated parameters as arrays, which the endpoints refuse.
  const parseForm = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 100 });
  app.use(parseForm);
  app.use(express.json({ limit: '64kb' }));
  app.use(cookieParser());
  // Right after the parsers: their errors reach the next error handler, which must be ours, not Nest's.
  app.use(ADMIN_API_PREFIX, adminApiBodyErrors);
  app.use(bodyErrorsAsOAuthJson);
  // Before init(), which installs Nest's catch-all 404: it must answer through this filter.
  app.useGlobalFilters(new AdminApiRouteNotFound(new RouteNotFoundFilter()));
  await app.init();

  const handler = app.getHttpAdapter().getInstance() as express.Express;
  started = app;
  // Before its first pass, which is an interval away: the cleanup reports each pass here.
  app.get(Cleanup).reportTo(new CleanupMetrics(metrics));
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
  // The token endpoint's form posts, answered before Express through the same TokenEndpoint (issue 5).
  const token = tokenFastPath({
    endpoint: app.get(TokenEndpoint),
    app: handler,
    parseForm,
    limiter: limiters.get('/oauth2/token'),
    hsts: config.secureCookies,
    logger: new Logger('OAuth'),
    answered: (answer, req, res) => {
      log.answered(answer);
      // The token counter reads only req.body (the parsed form); FinishedRequest types the pair as Express's.
      countTokens({ req: req as express.Request, res: res as express.Response, route: answer.route, status: answer.status, durationSeconds: answer.durationSeconds });
    },
  });
  const serve = (name: ListenerName) => createServer((req, res) => {
    // Metrics only on the internal listener, answered before the app so no public route can reach them.
    if (name === 'internal' && serveMetrics(metrics, req, res, config.operations.metricsToken)) return;
    if (name === 'public' && (wellKnown(req, res) || token(req, res))) return;
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
 * limits slow one source down; nothing exact depends on them. Answers the limiters by route, for
 * the fast paths that must count in the same windows.
 */
function limitPublicEndpoints(app: NestExpressApplication, limits: TokenServiceConfig['rateLimits']): Map<string, RateLimiter> {
  const clock = app.get(Clock);
  const routes: [string, RateLimit | undefined][] = [
    ['/oauth2/token', limits.token],
    ['/oauth2/register', limits.register],
    ['/oauth2/introspect', limits.introspect],
  ];
  const limiters = new Map<string, RateLimiter>();
  for (const [path, limit] of routes) {
    if (!limit) continue;
    const limiter = new RateLimiter({ ...limit, now: () => clock.now() });
    app.use(path, limitRequests(limiter, { methods: ['POST'], refuse: tooManyRequests }));
    limiters.set(path, limiter);
  }
  return limiters;
}

function tooManyRequests(_req: express.Request, res: express.Response, retryAfterSeconds: number): void {
  const answer = tooManyRequestsAnswer(retryAfterSeconds);
  res.set(answer.headers).json(answer.body);
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
