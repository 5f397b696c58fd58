/**
 * Hostile token requests: stolen or replayed codes, broken PKCE, every way to get client
 * authentication wrong, malformed bodies and methods, and refresh tokens used where they do not
 * belong. Each is answered with the RFC 6749 §5.2 JSON error (no-store) and no token at all.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import * as oidc from 'openid-client';
import { Browser } from '../e2e/browser';
import { Provider, RegisteredClient, startProvider, TestUser } from '../e2e/harness';
import { authRequest, signIn } from '../e2e/sign-in';
import { Answer, answerOf, expectNoLeak } from './support/checks';

// Hundreds of requests from one address in seconds: the per-IP limits (brute-force.e2e-spec.ts tests
// them) would answer 429 long before the input under test is looked at.
const NO_RATE_LIMITS = { RATE_LIMIT_ENABLED: 'false' };
const REDIRECT_URI = 'https://partner.example/callback';
const OTHER_REDIRECT_URI = 'https://partner.example/other-callback';

interface Call {
  method?: string;
  /** A form (encoded here) or a raw body. */
  form?: Record<string, string> | [string, string][];
  body?: string | Buffer;
  contentType?: string | null;
  authorization?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
}

interface Expected {
  status: number;
  error?: string;
  /** RFC 6749 §5.2: a client that authenticated with Basic gets the Basic challenge back. */
  basicChallenge?: boolean;
}

const TOKEN_KEYS = ['access_token', 'id_token', 'refresh_token'];

function basicHeader(id: string, secret: string): string {
  // RFC 6749 §2.3.1: each part form-urlencoded before base64.
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

describe('hostile token requests', () => {
  let provider: Provider;
  let client: RegisteredClient;
  let otherClient: RegisteredClient;
  let publicClient: RegisteredClient;
  let machine: RegisteredClient;
  let postMachine: RegisteredClient;
  let user: TestUser;
  let endpoint: string;

  beforeAll(async () => {
    provider = await startProvider(NO_RATE_LIMITS);
    endpoint = `${provider.issuer}/oauth2/token`;
    const web = { redirect_uris: [REDIRECT_URI, OTHER_REDIRECT_URI], grant_types: ['authorization_code', 'refresh_token'] };
    client = await provider.registerClient(web);
    otherClient = await provider.registerClient(web);
    publicClient = await provider.registerClient({ ...web, token_endpoint_auth_method: 'none' });
    machine = await provider.registerClient({ redirect_uris: [REDIRECT_URI], grant_types: ['client_credentials'] });
    postMachine = await provider.registerClient({ redirect_uris: [REDIRECT_URI], grant_types: ['client_credentials'] }, { auth: 'post' });
    user = await provider.createUser();
  });
  afterAll(() => provider?.close());

  async function call(c: Call): Promise<Answer> {
    const url = new URL(endpoint);
    if (c.query) url.search = new URLSearchParams(c.query).toString();
    const headers: Record<string, string> = { accept: 'application/json', ...c.headers };
    if (c.authorization !== undefined) headers.authorization = c.authorization;
    const body = c.form ? new URLSearchParams(c.form).toString() : c.body;
    const contentType = c.contentType === undefined ? 'application/x-www-form-urlencoded' : c.contentType;
    if (contentType !== null && body !== undefined) headers['content-type'] = contentType;
    return answerOf(await fetch(url, { method: c.method ?? 'POST', headers, body }));
  }

  function expectRefused(answer: Answer, expected: Expected): void {
    expectNoLeak(answer.text);
    for (const key of TOKEN_KEYS) expect(answer.json?.[key]).toBeUndefined();
    expect({ status: answer.status, error: answer.json?.error }).toEqual({ status: expected.status, error: expected.error });
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.headers.get('cache-control')).toMatch(/no-store/);
    expect(typeof answer.json?.error_description === 'string' || answer.json?.error_description === undefined).toBe(true);
    if (expected.basicChallenge) expect(answer.headers.get('www-authenticate')).toMatch(/^Basic realm="tessera"/);
  }

  function expectTokens(answer: Answer): void {
    expect(answer.status).toBe(200);
    expect(answer.json?.access_token).toEqual(expect.any(String));
    expect(answer.headers.get('cache-control')).toMatch(/no-store/);
  }

  /** A fresh code for `forClient` at REDIRECT_URI, and its verifier. */
  async function freshCode(forClient: RegisteredClient = client): Promise<{ code: string; verifier: string }> {
    const request = await authRequest(forClient);
    const { callback } = await signIn(new Browser(provider.origins), request.url, user);
    const code = callback?.searchParams.get('code');
    if (!code) throw new Error(`no code: ${callback ?? 'the sign-in never reached the partner'}`);
    return { code, verifier: request.verifier };
  }

  const auth = (c: RegisteredClient) => basicHeader(c.clientId, c.clientSecret!);

  describe('authorization codes (RFC 6749 §4.1.3, RFC 7636 §4.6)', () => {
    type CodeRow = { name: string; call: (code: string, verifier: string) => Call | Promise<Call>; expect: Expected | 'tokens' };
    const exchange = (code: string, verifier: string, extra: Record<string, string> = {}): Record<string, string> =>
      ({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier, ...extra });
    const without = (form: Record<string, string>, name: string) => Object.fromEntries(Object.entries(form).filter(([k]) => k !== name));
    const repeated = (form: Record<string, string>, name: string, second = form[name]): [string, string][] => [...Object.entries(form), [name, second]];

    const rows: CodeRow[] = [
      { name: 'control: the code, its verifier and redirect_uri, by its client', call: (c, v) => ({ form: exchange(c, v), authorization: auth(client) }), expect: 'tokens' },
      { name: 'the code redeemed by another client', call: (c, v) => ({ form: exchange(c, v), authorization: auth(otherClient) }), expect: { status: 400, error: 'invalid_grant' } },
      { name: 'the code redeemed by a public client naming the confidential client', call: (c, v) => ({ form: exchange(c, v, { client_id: client.clientId }) }), expect: { status: 401, error: 'invalid_client' } },
      { name: 'the code redeemed by a real public client', call: (c, v) => ({ form: exchange(c, v, { client_id: publicClient.clientId }) }), expect: { status: 400, error: 'invalid_grant' } },
      { name: 'another registered redirect_uri', call: (c, v) => ({ form: exchange(c, v, { redirect_uri: OTHER_REDIRECT_URI }), authorization: auth(client) }), expect: { status: 400, error: 'invalid_grant' } },
      { name: 'redirect_uri with a trailing slash', call: (c, v) => ({ form: exchange(c, v, { redirect_uri: `${REDIRECT_URI}/` }), authorization: auth(client) }), expect: { status: 400, error: 'invalid_grant' } },
      { name: 'redirect_uri of the attacker', call: (c, v) => ({ form: exchange(c, v, { redirect_uri: 'https://attacker.example/callback' }), authorization: auth(client) }), expect: { status: 400, error: 'invalid_grant' } },
      { name: 'redirect_uri missing', call: (c, v) => ({ form: without(exchange(c, v), 'redirect_uri'), authorization: auth(client) }), expect: { status: 400, error: 'invalid_request' } },
      { name: 'a verifier that does not match', call: (c) => ({ form: exchange(c, oidc.randomPKCECodeVerifier()), authorization: auth(client) }), expect: { status: 400, error: 'invalid_grant' } },
      { name: 'the verifier missing', call: (c, v) => ({ form: without(exchange(c, v), 'code_verifier'), authorization: auth(client) }), expect: { status: 400, error: 'invalid_request' } },
      { name: 'the challenge sent as the verifier (a plain downgrade)', call: async (c, v) => ({ form: exchange(c, await oidc.calculatePKCECodeChallenge(v)), authorization: auth(client) }), expect: { status: 400, error: 'invalid_grant' } },
      { name: 'a verifier of 42 characters', call: (c, v) => ({ form: exchange(c, v.slice(0, 42)), authorization: auth(client) }), expect: { status: 400, error: 'invalid_grant' } },
      { name: 'a verifier of 129 characters', call: (c, v) => ({ form: exchange(c, `${v}${'a'.repeat(129 - v.length)}`), authorization: auth(client) }), expect: { status: 400, error: 'invalid_grant' } },
      { name: 'a verifier with a space', call: (c, v) => ({ form: exchange(c, `${v.slice(0, 20)} ${v.slice(21)}`), authorization: auth(client) }), expect: { status: 400, error: 'invalid_grant' } },
      { name: 'a verifier with + and /', call: (c, v) => ({ form: exchange(c, `${v.slice(0, -2)}+/`), authorization: auth(client) }), expect: { status: 400, error: 'invalid_grant' } },
      { name: 'a verifier with non-ASCII letters', call: (c, v) => ({ form: exchange(c, `${v.slice(0, -1)}é`), authorization: auth(client) }), expect: { status: 400, error: 'invalid_grant' } },
      { name: 'the code with a character appended', call: (c, v) => ({ form: exchange(`${c}A`, v), authorization: auth(client) }), expect: { status: 400, error: 'invalid_grant' } },
      { name: 'the code in upper case', call: (c, v) => ({ form: exchange(c.toUpperCase(), v), authorization: auth(client) }), expect: { status: 400, error: 'invalid_grant' } },
      { name: 'a code of SQL', call: (_c, v) => ({ form: exchange("' OR '1'='1' --", v), authorization: auth(client) }), expect: { status: 400, error: 'invalid_grant' } },
      { name: 'a code of 10,000 characters', call: (_c, v) => ({ form: exchange('c'.repeat(10_000), v), authorization: auth(client) }), expect: { status: 400, error: 'invalid_grant' } },
      { name: 'an empty code', call: (_c, v) => ({ form: exchange('', v), authorization: auth(client) }), expect: { status: 400, error: 'invalid_request' } },
      { name: 'code twice', call: (c, v) => ({ form: repeated(exchange(c, v), 'code'), authorization: auth(client) }), expect: { status: 400, error: 'invalid_request' } },
      { name: 'code_verifier twice', call: (c, v) => ({ form: repeated(exchange(c, v), 'code_verifier'), authorization: auth(client) }), expect: { status: 400, error: 'invalid_request' } },
      { name: 'redirect_uri twice', call: (c, v) => ({ form: repeated(exchange(c, v), 'redirect_uri'), authorization: auth(client) }), expect: { status: 400, error: 'invalid_request' } },
      { name: 'grant_type twice', call: (c, v) => ({ form: repeated(exchange(c, v), 'grant_type'), authorization: auth(client) }), expect: { status: 400, error: 'invalid_request' } },
      { name: 'the parameters in the query string instead of the body', call: (c, v) => ({ query: exchange(c, v), form: {}, authorization: auth(client) }), expect: { status: 400, error: 'invalid_request' } },
    ];

    it.each(rows)('$name', async (row) => {
      const { code, verifier } = await freshCode();
      const answer = await call(await row.call(code, verifier));
      if (row.expect === 'tokens') expectTokens(answer);
      else expectRefused(answer, row.expect);
    });

    it('redeems a code once; the second try is invalid_grant and revokes what the first bought (RFC 6749 §4.1.2)', async () => {
      const { code, verifier } = await freshCode();
      const form = exchange(code, verifier);
      const first = await call({ form, authorization: auth(client) });
      expectTokens(first);
      expectRefused(await call({ form, authorization: auth(client) }), { status: 400, error: 'invalid_grant' });
      const userinfo = await fetch(`${provider.issuer}/oauth2/userinfo`, { headers: { authorization: `Bearer ${String(first.json!.access_token)}` } });
      expect(userinfo.status).toBe(401);
      expectRefused(await call({ form: { grant_type: 'refresh_token', refresh_token: String(first.json!.refresh_token) }, authorization: auth(client) }), { status: 400, error: 'invalid_grant' });
    });

    it('issues exactly one set of tokens when one code is redeemed 10 times at once', async () => {
      const { code, verifier } = await freshCode();
      const form = exchange(code, verifier);
      const answers = await Promise.all(Array.from({ length: 10 }, () => call({ form, authorization: auth(client) })));
      expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
      const refused = answers.filter((a) => a.status !== 200);
      expect(refused).toHaveLength(9);
      for (const a of refused) expectRefused(a, { status: 400, error: 'invalid_grant' });
    });
  });

  describe('client authentication (RFC 6749 §2.3, §5.2)', () => {
    const cc = { grant_type: 'client_credentials' };
    const secretOf = (c: RegisteredClient) => c.clientSecret!;
    const percentEncodeAll = (s: string) => [...Buffer.from(s)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
    const rows: { name: string; call: () => Call; expect: Expected | 'tokens' }[] = [
      { name: 'control: client_secret_basic', call: () => ({ form: cc, authorization: auth(machine) }), expect: 'tokens' },
      { name: 'control: client_secret_post', call: () => ({ form: { ...cc, client_id: postMachine.clientId, client_secret: secretOf(postMachine) } }), expect: 'tokens' },
      { name: 'control: the scheme in lower case', call: () => ({ form: cc, authorization: auth(machine).replace(/^Basic/, 'basic') }), expect: 'tokens' },
      { name: 'control: id and secret fully percent-encoded (RFC 6749 §2.3.1)', call: () => ({ form: cc, authorization: `Basic ${Buffer.from(`${percentEncodeAll(machine.clientId)}:${percentEncodeAll(secretOf(machine))}`).toString('base64')}` }), expect: 'tokens' },
      { name: 'control: Basic with the same client_id in the body', call: () => ({ form: { ...cc, client_id: machine.clientId }, authorization: auth(machine) }), expect: 'tokens' },
      { name: 'Basic and client_secret in the body at once', call: () => ({ form: { ...cc, client_secret: secretOf(machine) }, authorization: auth(machine) }), expect: { status: 400, error: 'invalid_request' } },
      { name: 'Basic and client_id + client_secret of another client in the body', call: () => ({ form: { ...cc, client_id: postMachine.clientId, client_secret: secretOf(postMachine) }, authorization: auth(machine) }), expect: { status: 400, error: 'invalid_request' } },
      { name: 'Basic with another client_id in the body', call: () => ({ form: { ...cc, client_id: postMachine.clientId }, authorization: auth(machine) }), expect: { status: 400, error: 'invalid_request' } },
      { name: 'a wrong secret (Basic)', call: () => ({ form: cc, authorization: basicHeader(machine.clientId, `${secretOf(machine)}x`) }), expect: { status: 401, error: 'invalid_client', basicChallenge: true } },
      { name: 'a wrong secret (post)', call: () => ({ form: { ...cc, client_id: postMachine.clientId, client_secret: 'wrong-secret' } }), expect: { status: 401, error: 'invalid_client' } },
      { name: 'the secret in another case', call: () => ({ form: cc, authorization: basicHeader(machine.clientId, secretOf(machine).toUpperCase()) }), expect: { status: 401, error: 'invalid_client', basicChallenge: true } },
      { name: 'another client\'s secret', call: () => ({ form: cc, authorization: basicHeader(machine.clientId, secretOf(postMachine)) }), expect: { status: 401, error: 'invalid_client', basicChallenge: true } },
      { name: 'an unknown client (Basic)', call: () => ({ form: cc, authorization: basicHeader(`unknown-${oidc.randomState()}`, 'whatever-secret') }), expect: { status: 401, error: 'invalid_client', basicChallenge: true } },
      { name: 'an unknown client (post)', call: () => ({ form: { ...cc, client_id: `unknown-${oidc.randomState()}`, client_secret: 'whatever' } }), expect: { status: 401, error: 'invalid_client' } },
      { name: 'no client authentication at all', call: () => ({ form: cc }), expect: { status: 401, error: 'invalid_client' } },
      { name: 'client_secret without client_id', call: () => ({ form: { ...cc, client_secret: secretOf(postMachine) } }), expect: { status: 400, error: 'invalid_request' } },
      { name: 'a Basic client authenticating with post', call: () => ({ form: { ...cc, client_id: machine.clientId, client_secret: secretOf(machine) } }), expect: { status: 401, error: 'invalid_client' } },
      { name: 'a post client authenticating with Basic', call: () => ({ form: cc, authorization: auth(postMachine) }), expect: { status: 401, error: 'invalid_client', basicChallenge: true } },
      { name: 'a confidential client sending only its client_id (as if public)', call: () => ({ form: { ...cc, client_id: machine.clientId } }), expect: { status: 401, error: 'invalid_client' } },
      { name: 'Basic with nothing after it', call: () => ({ form: cc, authorization: 'Basic' }), expect: { status: 401, error: 'invalid_client', basicChallenge: true } },
      { name: 'Basic with characters outside base64', call: () => ({ form: cc, authorization: 'Basic !!!!not*base64' }), expect: { status: 401, error: 'invalid_client', basicChallenge: true } },
      { name: 'Basic without a colon', call: () => ({ form: cc, authorization: `Basic ${Buffer.from(machine.clientId + secretOf(machine)).toString('base64')}` }), expect: { status: 401, error: 'invalid_client', basicChallenge: true } },
      { name: 'Basic with an empty client id', call: () => ({ form: cc, authorization: `Basic ${Buffer.from(`:${secretOf(machine)}`).toString('base64')}` }), expect: { status: 401, error: 'invalid_client', basicChallenge: true } },
      { name: 'Basic with an empty secret', call: () => ({ form: cc, authorization: `Basic ${Buffer.from(`${machine.clientId}:`).toString('base64')}` }), expect: { status: 401, error: 'invalid_client', basicChallenge: true } },
      { name: 'Basic with a broken percent-encoding', call: () => ({ form: cc, authorization: `Basic ${Buffer.from(`${machine.clientId}%zz:${secretOf(machine)}`).toString('base64')}` }), expect: { status: 401, error: 'invalid_client', basicChallenge: true } },
      { name: 'Basic of 8 KB', call: () => ({ form: cc, authorization: `Basic ${'A'.repeat(8192)}` }), expect: { status: 401, error: 'invalid_client', basicChallenge: true } },
      { name: 'the Bearer scheme with the secret', call: () => ({ form: cc, authorization: `Bearer ${secretOf(machine)}` }), expect: { status: 401, error: 'invalid_client', basicChallenge: true } },
      { name: 'a client_id of SQL', call: () => ({ form: { ...cc, client_id: "' OR '1'='1' --", client_secret: 'x' } }), expect: { status: 401, error: 'invalid_client' } },
      { name: 'a client_id with a null byte', call: () => ({ form: { ...cc, client_id: `${postMachine.clientId}\u0000`, client_secret: secretOf(postMachine) } }), expect: { status: 401, error: 'invalid_client' } },
      { name: 'the client_id in another case (MySQL collation)', call: () => ({ form: { ...cc, client_id: swapCase(postMachine.clientId), client_secret: secretOf(postMachine) } }), expect: { status: 401, error: 'invalid_client' } },
      { name: 'the client_id with a trailing space (MySQL PAD SPACE)', call: () => ({ form: { ...cc, client_id: `${postMachine.clientId} `, client_secret: secretOf(postMachine) } }), expect: { status: 401, error: 'invalid_client' } },
      { name: 'client_id twice in the body', call: () => ({ form: [['grant_type', 'client_credentials'], ['client_id', postMachine.clientId], ['client_id', postMachine.clientId], ['client_secret', secretOf(postMachine)]] }), expect: { status: 400, error: 'invalid_request' } },
      { name: 'client_secret twice in the body', call: () => ({ form: [['grant_type', 'client_credentials'], ['client_id', postMachine.clientId], ['client_secret', secretOf(postMachine)], ['client_secret', secretOf(postMachine)]] }), expect: { status: 400, error: 'invalid_request' } },
      { name: 'credentials in the query string only (RFC 6749 §2.3.1: never in the URI)', call: () => ({ form: cc, query: { client_id: postMachine.clientId, client_secret: secretOf(postMachine) } }), expect: { status: 401, error: 'invalid_client' } },
    ];

    it.each(rows)('$name', async (row) => {
      const answer = await call(row.call());
      if (row.expect === 'tokens') expectTokens(answer);
      else expectRefused(answer, row.expect);
    });
  });

  describe('the shape of the request (RFC 6749 §3.2: POST, application/x-www-form-urlencoded)', () => {
    const cc = () => new URLSearchParams({ grant_type: 'client_credentials' }).toString();
    const rows: { name: string; call: () => Call; expect: Expected | 'tokens' }[] = [
      { name: 'control: the form with charset=utf-8', call: () => ({ body: cc(), contentType: 'application/x-www-form-urlencoded; charset=utf-8', authorization: auth(machine) }), expect: 'tokens' },
      { name: 'a JSON body', call: () => ({ body: JSON.stringify({ grant_type: 'client_credentials' }), contentType: 'application/json', authorization: auth(machine) }), expect: { status: 400, error: 'invalid_request' } },
      { name: 'a broken JSON body', call: () => ({ body: '{"grant_type":', contentType: 'application/json', authorization: auth(machine) }), expect: { status: 400, error: 'invalid_request' } },
      { name: 'JSON sent as a form', call: () => ({ body: JSON.stringify({ grant_type: 'client_credentials' }), authorization: auth(machine) }), expect: { status: 400, error: 'invalid_request' } },
      { name: 'text/plain', call: () => ({ body: cc(), contentType: 'text/plain', authorization: auth(machine) }), expect: { status: 400, error: 'invalid_request' } },
      { name: 'multipart/form-data', call: () => ({ body: '--b\r\nContent-Disposition: form-data; name="grant_type"\r\n\r\nclient_credentials\r\n--b--\r\n', contentType: 'multipart/form-data; boundary=b', authorization: auth(machine) }), expect: { status: 400, error: 'invalid_request' } },
      { name: 'no content type', call: () => ({ body: cc(), contentType: null, authorization: auth(machine) }), expect: { status: 400, error: 'invalid_request' } },
      { name: 'an unsupported charset', call: () => ({ body: cc(), contentType: 'application/x-www-form-urlencoded; charset=utf-16', authorization: auth(machine) }), expect: { status: 400, error: 'invalid_request' } },
      { name: 'a body of 17 KB', call: () => ({ body: `${cc()}&pad=${'x'.repeat(17 * 1024)}`, authorization: auth(machine) }), expect: { status: 413, error: 'invalid_request' } },
      { name: 'a body of 1 MB', call: () => ({ body: `${cc()}&pad=${'x'.repeat(1024 * 1024)}`, authorization: auth(machine) }), expect: { status: 413, error: 'invalid_request' } },
      { name: 'a gzip bomb (1 MB of form in 1 KB)', call: () => ({ body: gzipSync(`${cc()}&pad=${'x'.repeat(1024 * 1024)}`), headers: { 'content-encoding': 'gzip' }, authorization: auth(machine) }), expect: { status: 413, error: 'invalid_request' } },
      { name: 'an unsupported content encoding', call: () => ({ body: cc(), headers: { 'content-encoding': 'zstd' }, authorization: auth(machine) }), expect: { status: 400, error: 'invalid_request' } },
      { name: '101 parameters', call: () => ({ body: `${cc()}&${Array.from({ length: 100 }, (_, i) => `p${i}=1`).join('&')}`, authorization: auth(machine) }), expect: { status: 413, error: 'invalid_request' } },
      { name: 'GET instead of POST', call: () => ({ method: 'GET', query: { grant_type: 'client_credentials' }, authorization: auth(machine) }), expect: { status: 405, error: 'invalid_request' } },
      { name: 'PUT instead of POST', call: () => ({ method: 'PUT', body: cc(), authorization: auth(machine) }), expect: { status: 405, error: 'invalid_request' } },
      { name: 'DELETE instead of POST', call: () => ({ method: 'DELETE', authorization: auth(machine) }), expect: { status: 405, error: 'invalid_request' } },
      { name: 'an unknown grant_type', call: () => ({ form: { grant_type: 'urn:example:teleport' }, authorization: auth(machine) }), expect: { status: 400, error: 'unsupported_grant_type' } },
      { name: 'grant_type password (RFC 9700 §2.4: never)', call: () => ({ form: { grant_type: 'password', username: 'u', password: 'p' }, authorization: auth(machine) }), expect: { status: 400, error: 'unsupported_grant_type' } },
      { name: 'grant_type implicit', call: () => ({ form: { grant_type: 'implicit' }, authorization: auth(machine) }), expect: { status: 400, error: 'unsupported_grant_type' } },
      { name: 'grant_type __proto__', call: () => ({ form: { grant_type: '__proto__' }, authorization: auth(machine) }), expect: { status: 400, error: 'unsupported_grant_type' } },
      { name: 'grant_type constructor', call: () => ({ form: { grant_type: 'constructor' }, authorization: auth(machine) }), expect: { status: 400, error: 'unsupported_grant_type' } },
      { name: 'grant_type toString', call: () => ({ form: { grant_type: 'toString' }, authorization: auth(machine) }), expect: { status: 400, error: 'unsupported_grant_type' } },
      { name: 'grant_type in another case', call: () => ({ form: { grant_type: 'Client_Credentials' }, authorization: auth(machine) }), expect: { status: 400, error: 'unsupported_grant_type' } },
      { name: 'grant_type with markup', call: () => ({ form: { grant_type: '<script>alert(1)</script>' }, authorization: auth(machine) }), expect: { status: 400, error: 'unsupported_grant_type' } },
      { name: 'a grant the client is not registered for', call: () => ({ form: { grant_type: 'refresh_token', refresh_token: 'x' }, authorization: auth(machine) }), expect: { status: 400, error: 'unauthorized_client' } },
      { name: 'grant_type missing', call: () => ({ form: {}, authorization: auth(machine) }), expect: { status: 400, error: 'invalid_request' } },
      { name: 'client_credentials asking for openid', call: () => ({ form: { grant_type: 'client_credentials', scope: 'openid' }, authorization: auth(machine) }), expect: { status: 400, error: 'invalid_scope' } },
    ];

    it.each(rows)('$name', async (row) => {
      const answer = await call(row.call());
      if (row.expect === 'tokens') expectTokens(answer);
      else expectRefused(answer, row.expect);
      if (row.expect !== 'tokens' && row.expect.status === 405) expect(answer.headers.get('allow')).toBe('POST');
    });
  });

  it.each(['GET', 'PUT', 'DELETE'])('introspection answers %s with 405 and the JSON error (RFC 7662 §2.1: POST)', async (method) => {
    const res = await fetch(`${provider.issuer}/oauth2/introspect?token=x`, { method, headers: { authorization: auth(machine) } });
    const answer = await answerOf(res);
    expectRefused(answer, { status: 405, error: 'invalid_request' });
    expect(answer.headers.get('allow')).toBe('POST');
    expect(answer.text).not.toContain('/oauth2/introspect');
  });

  describe('compressed bodies that do not decompress, at every endpoint that reads one (RFC 6749 §5.2)', () => {
    // Each endpoint with a request it would accept, so the control row proves that only the encoding is refused.
    const endpoints = [
      { path: '/oauth2/token', type: 'application/x-www-form-urlencoded', plain: () => 'grant_type=client_credentials', authorization: () => auth(machine), accepted: 200 },
      { path: '/oauth2/revoke', type: 'application/x-www-form-urlencoded', plain: () => 'token=not-a-token', authorization: () => auth(machine), accepted: 200 },
      { path: '/oauth2/introspect', type: 'application/x-www-form-urlencoded', plain: () => 'token=not-a-token', authorization: () => auth(machine), accepted: 200 },
      { path: '/oauth2/register', type: 'application/json', plain: () => JSON.stringify({ redirect_uris: [REDIRECT_URI] }), authorization: () => `Bearer ${provider.initialAccessToken}`, accepted: 201 },
    ];
    const bodies: { name: string; encoding: string; body: (plain: string) => string | Buffer; refused: boolean }[] = [
      { name: 'control: a well-formed gzip body', encoding: 'gzip', body: (p) => gzipSync(p), refused: false },
      { name: 'control: a well-formed br body', encoding: 'br', body: (p) => brotliCompressSync(p), refused: false },
      { name: 'gzip over a plain body', encoding: 'gzip', body: (p) => p, refused: true },
      { name: 'deflate over a plain body', encoding: 'deflate', body: (p) => p, refused: true },
      { name: 'br over a plain body', encoding: 'br', body: (p) => p, refused: true },
      { name: 'GZIP in upper case over a plain body', encoding: 'GZIP', body: (p) => p, refused: true },
      { name: 'a gzip body cut short', encoding: 'gzip', body: (p) => gzipSync(p).subarray(0, 12), refused: true },
      { name: 'a gzip body with bytes after its end', encoding: 'gzip', body: (p) => Buffer.concat([gzipSync(p), Buffer.from('trailing')]), refused: true },
      { name: 'deflate over a gzip body', encoding: 'deflate', body: (p) => gzipSync(p), refused: true },
      { name: 'a br body cut short', encoding: 'br', body: (p) => brotliCompressSync(p).subarray(0, 4), refused: true },
      { name: 'gzip over a deflate body', encoding: 'gzip', body: (p) => deflateSync(p), refused: true },
      { name: 'an unknown encoding', encoding: 'x-tessera', body: (p) => p, refused: true },
      { name: 'compress (LZW), which is not supported', encoding: 'compress', body: (p) => p, refused: true },
      { name: 'two stacked encodings', encoding: 'deflate, gzip', body: (p) => gzipSync(deflateSync(p)), refused: true },
    ];
    const rows = endpoints.flatMap((endpoint) => bodies.map((body) => ({ ...body, endpoint, label: `${endpoint.path}: ${body.name}` })));

    it.each(rows)('$label', async ({ endpoint, encoding, body, refused }) => {
      const res = await fetch(`${provider.issuer}${endpoint.path}`, {
        method: 'POST',
        headers: { 'content-type': endpoint.type, 'content-encoding': encoding, authorization: endpoint.authorization(), accept: 'application/json' },
        body: body(endpoint.plain()),
      });
      const answer = await answerOf(res);
      if (!refused) {
        expect(answer.status).toBe(endpoint.accepted);
        return;
      }
      expectRefused(answer, { status: 400, error: 'invalid_request' });
      // Nothing registered either.
      expect(answer.json?.client_id).toBeUndefined();
      expect(answer.json?.client_secret).toBeUndefined();
    });
  });

  describe('methods other than POST at revocation and registration (RFC 7009 §2.1, RFC 7591 §3.1)', () => {
    const rows = ['/oauth2/revoke', '/oauth2/register'].flatMap((path) =>
      ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'].map((method) => ({ path, method, label: `${method} ${path}` })));

    it.each(rows)('$label: 405, Allow: POST, the JSON error, and nothing done', async ({ path, method }) => {
      // A live access token in the query (and, where a body may go, in the body): a request of the
      // wrong method must not revoke it, and must not quote it back.
      const issued = await call({ form: { grant_type: 'client_credentials' }, authorization: auth(machine) });
      expectTokens(issued);
      const token = String(issued.json!.access_token);
      const withBody = method !== 'GET' && method !== 'OPTIONS';
      const res = await fetch(`${provider.issuer}${path}?token=${token}`, {
        method,
        headers: {
          authorization: path === '/oauth2/register' ? `Bearer ${provider.initialAccessToken}` : auth(machine),
          ...(withBody ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        body: withBody ? new URLSearchParams({ token }).toString() : undefined,
      });
      const answer = await answerOf(res);
      expectRefused(answer, { status: 405, error: 'invalid_request' });
      expect(answer.headers.get('allow')).toBe('POST');
      expect(answer.text).not.toContain(path);
      expect(answer.text).not.toContain(token);
      const introspected = await fetch(`${provider.issuer}/oauth2/introspect`, {
        method: 'POST',
        headers: { authorization: auth(machine), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }).toString(),
      });
      expect((await answerOf(introspected)).json?.active).toBe(true);
    });

    it.each(['/oauth2/revoke', '/oauth2/register'])('HEAD %s: 405 with Allow: POST', async (path) => {
      const res = await fetch(`${provider.issuer}${path}`, { method: 'HEAD' });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
      expect(res.headers.get('cache-control')).toMatch(/no-store/);
    });
  });

  describe('paths the token service does not serve, on either listener', () => {
    /** A request with its path sent exactly as given (fetch would resolve dot segments and re-encode). */
    function raw(base: string, method: string, path: string, body?: string): Promise<Answer & { text: string }> {
      const url = new URL(base);
      return new Promise((resolve, reject) => {
        const req = httpRequest({
          host: url.hostname, port: url.port, method, path, agent: false,
          headers: body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) },
        }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const headers = new Headers();
            for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') headers.set(name, value);
            const text = Buffer.concat(chunks).toString('utf8');
            let json: Record<string, unknown> | undefined;
            try {
              json = JSON.parse(text) as Record<string, unknown>;
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode ?? 0, headers, text, json });
          });
        });
        req.on('error', reject);
        req.end(body);
      });
    }

    // Every path carries a secret-looking marker in its query, as a stray code or token would.
    const marker = `tessera-marker-${randomBytes(6).toString('hex')}`;
    const publicPaths = [
      '/',
      '/nope',
      '/oauth2',
      '/oauth2/tokens',
      '/oauth2//token',
      '/oauth2/%74oken',
      '/oauth2/token;jsessionid=x',
      '/oauth2/token.json',
      '/oauth2/authorize/extra',
      '/.well-known/openid-configuration/extra',
      '/.well-known/oauth-authorization-server-x',
      '/callback',
      '/oauth2/%2e%2e/%2e%2e/etc/passwd',
      '/%3Cscript%3Ealert(1)%3C%2Fscript%3E',
      '/<script>alert(1)</script>',
      `/${'a'.repeat(2000)}`,
      '/internal/v1/login-requests/abc',
      '/INTERNAL/v1/consent-requests/abc',
      '/internal/v1',
      '/admin/api/v1/clients',
      '/ADMIN/api/v1/keys',
      '/admin/api%2Fv1/sessions',
    ];
    const internalPaths = [
      '/',
      '/nope',
      '/oauth2/token',
      '/.well-known/jwks.json',
      '/internal/v1/nope',
      '/internal/v1/login-requests',
      '/internal/v1/login-requests/abc/extra',
      '/internal/v2/login-requests/abc',
      '/<script>alert(1)</script>',
    ];
    const rows = [
      ...publicPaths.map((path) => ({ listener: 'public' as const, path })),
      ...internalPaths.map((path) => ({ listener: 'internal' as const, path })),
    ].flatMap((row) => ['GET', 'POST'].map((method) => ({ ...row, method, label: `${row.listener} ${method} ${row.path.slice(0, 60)}` })));

    it.each(rows)('$label', async ({ listener, method, path }) => {
      const base = listener === 'public' ? provider.issuer : provider.internalUrl;
      const answer = await raw(base, method, `${path}?code=${marker}`, method === 'POST' ? `token=${marker}` : undefined);
      expectNoLeak(answer.text);
      expect(answer.status).toBe(404);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(answer.headers.get('cache-control')).toMatch(/no-store/);
      expect(answer.json).toEqual({ error: 'not_found', error_description: 'no such endpoint' });
      expect(answer.text).not.toContain(marker);
    });
  });

  describe('refresh tokens (RFC 6749 §6, §10.4; RFC 9700 §4.14)', () => {
    /** A fresh grant of `client`: its tokens as the token endpoint returned them. */
    async function freshTokens(): Promise<{ refresh: string; access: string; id: string; code: string }> {
      const { code, verifier } = await freshCode();
      const answer = await call({ form: { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier }, authorization: auth(client) });
      expectTokens(answer);
      return { refresh: String(answer.json!.refresh_token), access: String(answer.json!.access_token), id: String(answer.json!.id_token), code };
    }
    type Tokens = Awaited<ReturnType<typeof freshTokens>>;

    const rows: { name: string; call: (t: Tokens) => Call; expect: Expected | 'tokens' }[] = [
      { name: 'control: the refresh token by its client', call: (t) => ({ form: { grant_type: 'refresh_token', refresh_token: t.refresh }, authorization: auth(client) }), expect: 'tokens' },
      { name: 'the refresh token of another client', call: (t) => ({ form: { grant_type: 'refresh_token', refresh_token: t.refresh }, authorization: auth(otherClient) }), expect: { status: 400, error: 'invalid_grant' } },
      { name: 'the refresh token by a public client naming its client', call: (t) => ({ form: { grant_type: 'refresh_token', refresh_token: t.refresh, client_id: client.clientId } }), expect: { status: 401, error: 'invalid_client' } },
      { name: 'a wider scope than granted', call: (t) => ({ form: { grant_type: 'refresh_token', refresh_token: t.refresh, scope: 'openid admin' }, authorization: auth(client) }), expect: { status: 400, error: 'invalid_scope' } },
      { name: 'the refresh token with a character appended', call: (t) => ({ form: { grant_type: 'refresh_token', refresh_token: `${t.refresh}A` }, authorization: auth(client) }), expect: { status: 400, error: 'invalid_grant' } },
      { name: 'refresh_token twice', call: (t) => ({ form: [['grant_type', 'refresh_token'], ['refresh_token', t.refresh], ['refresh_token', t.refresh]] as [string, string][], authorization: auth(client) }), expect: { status: 400, error: 'invalid_request' } },
      { name: 'the access token as a refresh token', call: (t) => ({ form: { grant_type: 'refresh_token', refresh_token: t.access }, authorization: auth(client) }), expect: { status: 400, error: 'invalid_grant' } },
      { name: 'the ID token as a refresh token', call: (t) => ({ form: { grant_type: 'refresh_token', refresh_token: t.id }, authorization: auth(client) }), expect: { status: 400, error: 'invalid_grant' } },
      { name: 'the (used) authorization code as a refresh token', call: (t) => ({ form: { grant_type: 'refresh_token', refresh_token: t.code }, authorization: auth(client) }), expect: { status: 400, error: 'invalid_grant' } },
      { name: 'the refresh token as an authorization code', call: (t) => ({ form: { grant_type: 'authorization_code', code: t.refresh, redirect_uri: REDIRECT_URI, code_verifier: oidc.randomPKCECodeVerifier() }, authorization: auth(client) }), expect: { status: 400, error: 'invalid_grant' } },
      { name: 'a refresh token of SQL', call: () => ({ form: { grant_type: 'refresh_token', refresh_token: "' OR 1=1 --" }, authorization: auth(client) }), expect: { status: 400, error: 'invalid_grant' } },
    ];

    it.each(rows)('$name', async (row) => {
      const tokens = await freshTokens();
      const answer = await call(row.call(tokens));
      if (row.expect === 'tokens') {
        expectTokens(answer);
        return;
      }
      expectRefused(answer, row.expect);
      // Somebody else's mistake must not cost the owner its grant: the owner can still refresh.
      expectTokens(await call({ form: { grant_type: 'refresh_token', refresh_token: tokens.refresh }, authorization: auth(client) }));
    });

    it('rotates exactly once when one refresh token is used 10 times at once', async () => {
      const { refresh } = await freshTokens();
      const answers = await Promise.all(Array.from({ length: 10 }, () =>
        call({ form: { grant_type: 'refresh_token', refresh_token: refresh }, authorization: auth(client) })));
      expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
      for (const a of answers.filter((x) => x.status !== 200)) expectRefused(a, { status: 400, error: 'invalid_grant' });
    });
  });
});

function swapCase(value: string): string {
  const swapped = [...value].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');
  if (swapped === value) throw new Error(`${value} has no letters to swap`);
  return swapped;
}
