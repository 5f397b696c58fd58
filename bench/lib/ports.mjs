import { createServer } from 'node:net';

// Below Linux's ephemeral range (32768-60999), from which the kernel picks the local ports of the load
// generator's own connections; the same reasoning as test/support/free-port.ts. Never 3000-3002 or
// 3100: a developer may be running the product there.
const LOW = 20000;
const HIGH = 32000;

/** `count` distinct ports that nobody listens on right now, on 127.0.0.1. */
export async function freePorts(count) {
  const ports = [];
  for (let tries = 0; ports.length < count; tries++) {
    if (tries > 200) throw new Error(`no ${count} free ports between ${LOW} and ${HIGH}`);
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (!ports.includes(port) && (await isFree(port))) ports.push(port);
  }
  return ports;
}

function isFree(port) {
  return new Promise((resolve) => {
    const server = createServer().once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
