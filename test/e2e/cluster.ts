/**
 * A scaled deployment in one process, for the multi-instance suites: two token services (A and B)
 * and two login UIs (A and B) over one database, with the same ISSUER and the same LOGIN_UI_URL, as
 * replicas behind a load balancer have. Each public URL is served by a small router that plays the
 * load balancer, except that the test decides which instance gets the next request, so a flow can
 * be sent step by step across the instances and the router's log shows where each step landed.
 *
 * Login UI A talks to token service A's internal listener and login UI B to B's: a challenge made
 * by one token service is then read and accepted through the other whenever the routers cross them.
 */
import type { INestApplication } from '@nestjs/common';
import { Clock } from '@tessera/abuse';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, IncomingMessage, request, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLoginUiConfig } from '../../apps/login-ui/src/config/login-ui.config';
import { RunningLoginUi, startLoginUi } from '../../apps/login-ui/src/main';
import { loadTokenServiceConfig } from '../../apps/token-service/src/config/token-service.config';
import { SigningKeys } from '../../apps/token-service/src/keys/signing-keys.service';
import { RunningTokenService, startTokenService } from '../../apps/token-service/src/main';
import { freePorts, isPortTaken } from '../support/free-port';
import { scratchDatabase } from '../support/scratch-database';
import { Provider, startProvider } from './harness';

export type Instance = 'A' | 'B';

export interface RoutedRequest {
  instance: Instance;
  method: string;
  /** Path and query, as the client sent them. */
  url: string;
  status: number;
}

export interface Router {
  /** The URL clients use: ISSUER or LOGIN_UI_URL. */
  url: string;
  /** Every request from now on goes to `instance`; `alternate` takes turns, request by request. */
  sendTo(choice: Instance | 'alternate'): void;
  /** Every request answered so far, in the order the answers began. */
  log: RoutedRequest[];
}

export interface Cluster {
  issuer: string;
  loginUiUrl: string;
  issuerRouter: Router;
  loginUiRouter: Router;
  tokenServices: Record<Instance, INestApplication>;
  loginUis: Record<Instance, INestApplication>;
  /** Instance A with the harness's helpers (users, clients, origins); its URLs are the routers'. */
  provider: Provider;
  close(): Promise<void>;
}

/** Both instances' signing keys, on one schedule clock that the test moves forward. */
export interface KeySchedules {
  keys: Record<Instance, SigningKeys>;
  /** Moves the schedule's clock of both instances forward together, as their real clocks would go. */
  passTime(ms: number): void;
}

interface RunningRouter extends Router {
  port: number;
  targets: Partial<Record<Instance, number>>;
  close(): Promise<void>;
}

/**
 * A cluster on a database of its own (scratch-database.ts), for the suites that rotate keys: a
 * rotation must not leave another suite's shared database with a retired key. `close()` drops it.
 */
export async function startClusterOnOwnDatabase(extraEnv: Record<string, string> = {}): Promise<Cluster> {
  const tmp = await mkdtemp(join(tmpdir(), 'tessera-cluster-'));
  const removeTmp = () => rm(tmp, { recursive: true, force: true });
  const database = await scratchDatabase(tmp).catch(async (err: unknown) => {
    await removeTmp();
    throw err;
  });
  const dropAll = async () => {
    await database.drop();
    await removeTmp();
  };
  let cluster: Cluster;
  try {
    cluster = await startCluster({ ...extraEnv, DATABASE_URL: database.url });
  } catch (err) {
    await dropAll();
    throw err;
  }
  const closeCluster = cluster.close;
  return {
    ...cluster,
    async close() {
      await closeCluster();
      await dropAll();
    },
  };
}

/**
 * Puts both token services' key schedules on the real clock plus an offset the test moves: the
 * apps' Clock, which the rate limits and the cleanup job read too; the few minutes a rotation moves
 * it are far below anything those count in. Restored by jest.restoreAllMocks().
 */
export function keySchedules(cluster: Cluster): KeySchedules {
  let offset = 0;
  for (const app of Object.values(cluster.tokenServices)) {
    jest.spyOn(app.get(Clock), 'now').mockImplementation(() => Date.now() + offset);
  }
  return {
    keys: { A: cluster.tokenServices.A.get(SigningKeys), B: cluster.tokenServices.B.get(SigningKeys) },
    passTime(ms) {
      offset += ms;
    },
  };
}

/**
 * Starts the routers, then instance A through the harness with the routers' URLs as its public
 * ones, then instance B with A's environment on ports of its own.
 */
export async function startCluster(extraEnv: Record<string, string> = {}): Promise<Cluster> {
  const issuerRouter = await startRouter();
  const loginUiRouter = await startRouter();
  let provider: Provider | undefined;
  try {
    provider = await startProvider(extraEnv, { publicUrls: { issuer: issuerRouter.url, loginUiUrl: loginUiRouter.url } });
    const b = await startInstanceB(provider.env);
    issuerRouter.targets = { A: Number(provider.env.TOKEN_SERVICE_PORT), B: b.tokenService.publicPort };
    loginUiRouter.targets = { A: Number(provider.env.LOGIN_UI_PORT), B: b.loginUi.port };
    const a = provider;
    return {
      issuer: issuerRouter.url,
      loginUiUrl: loginUiRouter.url,
      issuerRouter,
      loginUiRouter,
      tokenServices: { A: a.tokenServiceApp, B: b.tokenService.app },
      loginUis: { A: a.loginUiApp, B: b.loginUi.app },
      provider: a,
      async close() {
        await Promise.allSettled([b.tokenService.close(), b.loginUi.close(), issuerRouter.close(), loginUiRouter.close()]);
        // Last: A removes the folder that holds the SQLite file B was using.
        await a.close();
      },
    };
  } catch (err) {
    await Promise.allSettled([issuerRouter.close(), loginUiRouter.close(), provider?.close()]);
    throw err;
  }
}

async function startInstanceB(envOfA: Record<string, string>): Promise<{ tokenService: RunningTokenService; loginUi: RunningLoginUi }> {
  for (let attempt = 1; ; attempt++) {
    const [publicPort, internalPort, loginUiPort, metricsPort] = await freePorts(4);
    const env = {
      ...envOfA,
      TOKEN_SERVICE_PORT: String(publicPort),
      TOKEN_SERVICE_INTERNAL_PORT: String(internalPort),
      TOKEN_SERVICE_INTERNAL_URL: `http://127.0.0.1:${internalPort}`,
      LOGIN_UI_PORT: String(loginUiPort),
      LOGIN_UI_METRICS_PORT: String(metricsPort),
    };
    let tokenService: RunningTokenService | undefined;
    try {
      tokenService = await startTokenService(loadTokenServiceConfig(env), false);
      const loginUi = await startLoginUi(loadLoginUiConfig(env), false);
      return { tokenService, loginUi };
    } catch (err) {
      await tokenService?.close();
      if (!isPortTaken(err) || attempt === 5) throw err;
    }
  }
}

async function startRouter(): Promise<RunningRouter> {
  let choice: Instance | 'alternate' = 'A';
  let turn: Instance = 'B';
  const router = {
    url: '',
    port: 0,
    targets: {} as Partial<Record<Instance, number>>,
    log: [] as RoutedRequest[],
    sendTo(next: Instance | 'alternate') {
      choice = next;
    },
    close: (): Promise<void> => Promise.resolve(),
  };
  const pick = (): Instance => {
    if (choice !== 'alternate') return choice;
    turn = turn === 'A' ? 'B' : 'A';
    return turn;
  };
  const server = createServer((req, res) => {
    const instance = pick();
    const port = router.targets[instance];
    if (port === undefined) {
      res.writeHead(503).end();
      return;
    }
    forward(req, res, port, (status) => router.log.push({ instance, method: req.method ?? '', url: req.url ?? '', status }));
  });
  for (let attempt = 1; ; attempt++) {
    const [port] = await freePorts(1);
    try {
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
      break;
    } catch (err) {
      if (!isPortTaken(err) || attempt === 5) throw err;
    }
  }
  router.port = (server.address() as AddressInfo).port;
  router.url = `http://127.0.0.1:${router.port}`;
  router.close = () => closeServer(server);
  return router;
}

/** Passes the request on unchanged (Host included, as a proxy that keeps it does) and the answer back. */
function forward(req: IncomingMessage, res: ServerResponse, port: number, answered: (status: number) => void): void {
  const upstream = request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
    const status = answer.statusCode ?? 502;
    answered(status);
    res.writeHead(status, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => {
    answered(502);
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(upstream);
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
