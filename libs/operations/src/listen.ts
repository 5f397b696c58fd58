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
    // Left attached once listening: a later 'error' (EMFILE on accept) must not crash the process.
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
