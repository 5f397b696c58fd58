import { randomBytes } from 'node:crypto';
import { ROOT } from './dist.mjs';
import { freePorts } from './ports.mjs';
import { startNode, waitForHttp } from './processes.mjs';

const SCRIPT = new URL('../support/peer-provider.mjs', import.meta.url).pathname;

/**
 * Starts node-oidc-provider 9 (bench/support/peer-provider.mjs says how it is configured) in a
 * process of its own, NODE_ENV=production, on a free port, with one client_credentials client.
 * Resolves when its discovery answers; `startupMs` is spawn to that first 200.
 */
export async function startPeer() {
  const [port] = await freePorts(1);
  const issuer = `http://127.0.0.1:${port}`;
  const client = { clientId: 'bench-peer-client', clientSecret: randomBytes(32).toString('base64url') };
  const started = performance.now();
  const child = startNode('oidc-provider', SCRIPT, {
    cwd: ROOT,
    env: { NODE_ENV: 'production', PORT: String(port), ISSUER: issuer, CLIENT_ID: client.clientId, CLIENT_SECRET: client.clientSecret },
  });
  try {
    await waitForHttp(child, `${issuer}/.well-known/openid-configuration`, { timeoutMs: 30_000 });
  } catch (err) {
    await child.stop();
    throw err;
  }
  const startupMs = performance.now() - started;
  const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
  return { issuer, client, process: child, startupMs, discovery, stop: () => child.stop() };
}
