/**
 * What an operator relies on: a stop that lets requests in flight finish while refusing new
 * connections, and Prometheus metrics on the internal listener only.
 */
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { Provider, startProvider } from './harness';
import { codeFlow } from './sign-in';
import { Browser } from './browser';

/** Whether a TCP connection to the port is accepted right now. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

describe('graceful shutdown of the token service', () => {
  let provider: Provider;
  beforeAll(async () => { provider = await startProvider(); });
  afterAll(() => provider?.close());

  it('finishes a request in flight, refuses new connections meanwhile, then closes', async () => {
    const port = Number(new URL(provider.issuer).port);
    const body = 'grant_type=client_credentials&client_id=nobody';
    let inFlight: ReturnType<typeof httpRequest> | undefined;
    // A slow client: headers now, the body only after the stop has begun.
    const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest({
        host: '127.0.0.1', port, method: 'POST', path: '/oauth2/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length) },
      }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => { text += chunk.toString(); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.flushHeaders();
      inFlight = req;
    });
    await new Promise((resolve) => setTimeout(resolve, 100)); // let the server take the request

    let closed = false;
    const stopping = provider.stopTokenService().then(() => { closed = true; });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(closed).toBe(false);
    expect(await accepts(port)).toBe(false);

    inFlight!.end(body);
    const response = await answered;
    // A real answer from the endpoint, not a cut connection.
    expect(response.status).toBe(401);
    expect(JSON.parse(response.text)).toMatchObject({ error: 'invalid_client' });
    await stopping;
    expect(closed).toBe(true);
    await provider.startTokenServiceAgain();
  });
});

describe('metrics', () => {
  let provider: Provider;
  const metricsToken = 'm'.repeat(40);
  beforeAll(async () => { provider = await startProvider({ METRICS_TOKEN: metricsToken }); });
  afterAll(() => provider?.close());

  const scrape = (base: string, token?: string) => fetch(`${base}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

  it('are served on the internal listener with the metrics token, and never on the public one', async () => {
    expect((await scrape(provider.internalUrl)).status).toBe(401);
    expect((await scrape(provider.internalUrl, 'x'.repeat(40))).status).toBe(401);
    expect((await scrape(provider.issuer, metricsToken)).status).toBe(404);
    const res = await scrape(provider.internalUrl, metricsToken);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('count requests by route and status, tokens by grant type, and report the signing key age', async () => {
    const client = await provider.registerClient({ redirect_uris: ['https://partner.example/callback'], grant_types: ['authorization_code', 'refresh_token'] });
    await codeFlow(new Browser(provider.origins), client, await provider.createUser());
    await fetch(`${provider.issuer}/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'nope' }) });

    const text = await (await scrape(provider.internalUrl, metricsToken)).text();
    expect(text).toContain('tessera_http_requests_total{method="POST",route="/oauth2/token",status="200"} 1');
    expect(text).toMatch(/tessera_http_requests_total\{method="POST",route="\/oauth2\/token",status="40\d"\} 1/);
    expect(text).toContain('tessera_tokens_issued_total{grant_type="authorization_code"} 1');
    expect(text).not.toContain('grant_type="refresh_token"'); // the refused refresh issued nothing
    expect(text).toMatch(/tessera_http_request_duration_seconds_count\{method="GET",route="\/oauth2\/authorize"\} \d+/);
    expect(text).toMatch(/tessera_signing_key_age_seconds\{kid="[^"]+",state="active"\} \d+/);
    // Route patterns, not paths: no challenge from the internal API's URLs.
    expect(text).toContain('route="/internal/v1/login-requests/:challenge"');
  });
});
