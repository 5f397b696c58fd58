import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postLogoutToken } from './logout-token-sender';

interface Received {
  method?: string;
  contentType?: string;
  body: string;
}

/** A receiver on a port of the kernel's choosing, answering with `answer`. */
async function receiver(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ method: req.method, contentType: req.headers['content-type'], body });
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/bcl?tenant=a`, received, server };
}

describe('postLogoutToken (Back-Channel Logout §2.5, §2.8)', () => {
  const servers: Server[] = [];
  const open = async (answer: (req: IncomingMessage, res: ServerResponse) => void) => {
    const r = await receiver(answer);
    servers.push(r.server);
    return r;
  };
  const keep = { abandon: new AbortController().signal };
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('POSTs logout_token form-encoded to the URI as registered, query included', async () => {
    const r = await open((_req, res) => res.writeHead(200).end());
    expect(await postLogoutToken(r.url, 'a.b.c', keep)).toEqual({ delivered: true });
    expect(r.received).toEqual([{ method: 'POST', contentType: 'application/x-www-form-urlencoded', body: 'logout_token=a.b.c' }]);
  });

  it.each([
    [200, { delivered: true }],
    [204, { delivered: true }],
    [400, { delivered: false, error: 'HTTP 400' }],
    [500, { delivered: false, error: 'HTTP 500' }],
    [503, { delivered: false, error: 'HTTP 503' }],
    [201, { delivered: false, error: 'HTTP 201' }],
  ])('answers HTTP %i as %j', async (status, outcome) => {
    const r = await open((_req, res) => res.writeHead(status).end(status === 204 ? undefined : '{"error":"invalid_request"}'));
    expect(await postLogoutToken(r.url, 'a.b.c', keep)).toEqual(outcome);
  });

  it.each([301, 302, 303, 307, 308])('never follows a redirect (HTTP %i): the target gets nothing', async (status) => {
    const target = await open((_req, res) => res.writeHead(200).end());
    const r = await open((_req, res) => res.writeHead(status, { location: target.url }).end());
    expect(await postLogoutToken(r.url, 'a.b.c', keep)).toEqual({ delivered: false, error: `HTTP ${status}: redirects are not followed` });
    expect(target.received).toEqual([]);
  });

  it('does not read the body of the answer: a huge, endless one still counts as delivered', async () => {
    let hungUp!: () => void;
    const connectionClosed = new Promise<void>((resolve) => (hungUp = resolve));
    const r = await open((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const timer = setInterval(() => res.write(chunk), 1);
      res.on('close', () => {
        clearInterval(timer);
        hungUp();
      });
    });
    expect(await postLogoutToken(r.url, 'a.b.c', keep)).toEqual({ delivered: true });
    // The sender hangs up instead of draining the stream (a reader would never get here).
    await connectionClosed;
  });

  it('gives up on a receiver that does not answer in time', async () => {
    const r = await open(() => undefined);
    expect(await postLogoutToken(r.url, 'a.b.c', { ...keep, timeoutMs: 300 })).toEqual({ delivered: false, error: 'no answer within 300 ms' });
    expect(r.received).toHaveLength(1);
  });

  it('stops at once when the attempt is abandoned (the instance stops)', async () => {
    const r = await open(() => undefined);
    const abandon = new AbortController();
    const attempt = postLogoutToken(r.url, 'a.b.c', { abandon: abandon.signal });
    await new Promise((resolve) => setTimeout(resolve, 100));
    abandon.abort();
    expect(await attempt).toEqual({ delivered: false, error: 'abandoned: the instance stopped' });
  });

  it('names the network error by its code only', async () => {
    const r = await open((_req, res) => res.end());
    const url = r.url;
    await new Promise((resolve) => r.server.close(resolve));
    expect(await postLogoutToken(url, 'a.b.c', keep)).toEqual({ delivered: false, error: 'connection failed (ECONNREFUSED)' });
  });
});
