// Scenario 2's server: the least work an HTTP server can do to serve a JWKS. It answers every request
// with the same prepared bytes, so what the load generator measures is Node's HTTP stack on this machine.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';

const port = Number(process.env.PORT);
const body = readFileSync(process.env.BODY_FILE);
const headers = {
  'content-type': 'application/json',
  'content-length': String(body.length),
  'cache-control': 'public, max-age=300',
};

const server = createServer((req, res) => {
  res.writeHead(200, headers);
  res.end(body);
});
server.keepAliveTimeout = 10_000;
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
