import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { freePorts } from './free-port';

/**
 * A node:http server on a free port that gives each request to `fastPath` first, as the token
 * service's listener does, and answers what it passes on with 418, noting `METHOD url` in `passedOn`.
 */
export async function serveWithFastPath(
  fastPath: (req: IncomingMessage, res: ServerResponse) => boolean,
  passedOn: string[],
): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    if (fastPath(req, res)) return;
    passedOn.push(`${req.method} ${req.url}`);
    res.writeHead(418).end('app');
  });
  const [port] = await freePorts(1);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
