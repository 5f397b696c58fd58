import { issuerFetch } from './issuer-fetch';

/** issuerFetch over a fetch that only records where each request went and what it carried. */
function recording(issuer: string, issuerInternalUrl: string) {
  const sent: { url: string; request: () => Request }[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    sent.push({ url: input instanceof Request ? input.url : String(input), request: () => new Request(input, init) });
    return new Response('{}');
  }) as typeof globalThis.fetch;
  return { fetch: issuerFetch({ issuer, issuerInternalUrl }, fetchImpl), sent };
}

describe('issuerFetch', () => {
  const ISSUER = 'http://localhost:3000';
  const INTERNAL = 'http://proxy:3000';

  it.each([
    ['discovery', `${ISSUER}/.well-known/openid-configuration`, `${INTERNAL}/.well-known/openid-configuration`],
    ['a path and query are kept', `${ISSUER}/oauth2/status-lists/7?x=1&y=%2F`, `${INTERNAL}/oauth2/status-lists/7?x=1&y=%2F`],
    ['the issuer written with a trailing slash', `${ISSUER}/`, `${INTERNAL}/`],
    ['the host in upper case is the same origin', 'http://LOCALHOST:3000/.well-known/jwks.json', `${INTERNAL}/.well-known/jwks.json`],
    ['a path that looks like another host stays a path', `${ISSUER}//elsewhere.example/x`, `${INTERNAL}//elsewhere.example/x`],
    ['another host', 'http://partner.example/.well-known/jwks.json', 'http://partner.example/.well-known/jwks.json'],
    ['a look-alike port', 'http://localhost:30001/.well-known/jwks.json', 'http://localhost:30001/.well-known/jwks.json'],
    ['another port', 'http://localhost:3001/admin', 'http://localhost:3001/admin'],
    ['another scheme', 'https://localhost:3000/.well-known/jwks.json', 'https://localhost:3000/.well-known/jwks.json'],
    ['a look-alike host name', 'http://localhost.evil.example:3000/x', 'http://localhost.evil.example:3000/x'],
    ['the issuer as a user name', 'http://localhost:3000@evil.example/x', 'http://localhost:3000@evil.example/x'],
  ])('%s: %s goes to %s', async (_case, url, expected) => {
    const { fetch, sent } = recording(ISSUER, INTERNAL);
    await fetch(url);
    expect(sent.map((r) => r.url)).toEqual([expected]);
  });

  it('rewrites a URL object and a Request, keeping method, headers and body', async () => {
    const { fetch, sent } = recording(ISSUER, INTERNAL);
    await fetch(new URL(`${ISSUER}/.well-known/jwks.json`));
    await fetch(new Request(`${ISSUER}/oauth2/introspect`, { method: 'POST', headers: { authorization: 'Basic abc' }, body: 'token=t' }));
    await fetch(`${ISSUER}/oauth2/token`, { method: 'POST', body: 'grant_type=authorization_code' });
    const requests = sent.map((s) => s.request());
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET ${INTERNAL}/.well-known/jwks.json`, `POST ${INTERNAL}/oauth2/introspect`, `POST ${INTERNAL}/oauth2/token`,
    ]);
    expect(requests[1].headers.get('authorization')).toBe('Basic abc');
    expect(await requests[1].text()).toBe('token=t');
    expect(await requests[2].text()).toBe('grant_type=authorization_code');
  });

  it.each([
    ['an https issuer to a plain-http proxy inside the network', 'https://id.example.com', 'http://proxy:3000', 'https://id.example.com/a?b=c', 'http://proxy:3000/a?b=c'],
    ['an issuer with a path keeps the path', 'https://example.com/tessera', 'http://proxy:8080', 'https://example.com/tessera/.well-known/jwks.json', 'http://proxy:8080/tessera/.well-known/jwks.json'],
    ['to a default port', 'http://localhost:3000', 'https://gateway.internal', 'http://localhost:3000/x', 'https://gateway.internal/x'],
  ])('%s', async (_case, issuer, internal, url, expected) => {
    const { fetch, sent } = recording(issuer, internal);
    await fetch(url);
    expect(sent.map((r) => r.url)).toEqual([expected]);
  });

  it('is the plain fetch when the issuer is reached at its own origin (the default)', () => {
    const fetchImpl = jest.fn() as unknown as typeof globalThis.fetch;
    expect(issuerFetch({ issuer: 'http://localhost:3000', issuerInternalUrl: 'http://localhost:3000' }, fetchImpl)).toBe(fetchImpl);
  });
});
