import type { Server } from 'node:http';

/**
 * Stops a server the way a load balancer expects on SIGTERM: no new connections from now on,
 * requests in flight run to their end, idle keep-alive connections are closed as soon as they are
 * idle, and whatever is still open after `timeoutMs` is cut. Resolves once the server is closed.
 *
 * @example
 * ```ts
 * await closeGracefully(server, 10_000);
 * await app.close(); // then the database pool
 * ```
 */
export function closeGracefully(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      server.closeAllConnections();
      resolve();
      return;
    }
    // A keep-alive connection turns idle after its response; Node closes idle ones only at the
    // moment close() is called, so sweep until the last one has gone.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const deadline = setTimeout(() => server.closeAllConnections(), timeoutMs);
    sweep.unref();
    deadline.unref();
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve();
    });
    server.closeIdleConnections();
  });
}
