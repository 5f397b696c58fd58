import type { Server } from 'node:http';

/**
 * Binds a server and resolves once it listens; rejects with the bind error (EADDRINUSE, EACCES)
 * instead of leaving it to an `error` event nobody awaits. `host` undefined means every interface.
 *
 * @example
 * ```ts
 * const server = await listen(createServer(handler), 3101, '127.0.0.1');
 * ```
 */
export function listen(server: Server, port: number, host?: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const failed = (err: Error) => reject(err);
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve(server);
    });
  });
}
