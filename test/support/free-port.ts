import { createServer } from 'node:net';

// Below Linux's ephemeral range (32768-60999), from which the kernel also picks the local ports of
// outgoing connections (MariaDB, fetch): a port probed free there can be taken before the app binds it.
const LOW = 20000;
const HIGH = 32000;

/** `count` distinct ports that nobody listens on right now, on 127.0.0.1. */
export async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let tries = 0; ports.length < count; tries++) {
    if (tries > 200) throw new Error(`no ${count} free ports between ${LOW} and ${HIGH}`);
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (!ports.includes(port) && (await isFree(port))) ports.push(port);
  }
  return ports;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer().once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Another process took a port between the probe and the bind: worth one more try with new ones. */
export function isPortTaken(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'EADDRINUSE';
}
