// What scenarios 4, 5 and 8 load, set up the same way wherever they are used.
import { refreshChains, refreshStep } from './refresh.mjs';
import { registerPartner } from './sign-in.mjs';
import { basicAuth } from './token-service.mjs';

export const CLIENT_CREDENTIALS_BODY = 'grant_type=client_credentials';

/** A client_credentials client on `tokenService` and the request that gets it a token (scenario 4). */
export async function clientCredentialsTarget(tokenService) {
  const client = await tokenService.registerClient({ grant_types: ['client_credentials'], redirect_uris: ['https://bench.example/callback'] });
  return { url: `${tokenService.issuer}/oauth2/token`, headers: tokenHeaders(client), process: tokenService.process };
}

export function tokenHeaders(client) {
  return { authorization: basicAuth(client), 'content-type': 'application/x-www-form-urlencoded' };
}

/** The target must answer the client_credentials request with an RS256 JWT before it is timed. */
export async function checkClientCredentials(target) {
  const res = await fetch(target.url, { method: 'POST', headers: target.headers, body: CLIENT_CREDENTIALS_BODY });
  const body = await res.json();
  const header = body.access_token && JSON.parse(Buffer.from(body.access_token.split('.')[0], 'base64url').toString());
  if (res.status !== 200 || header?.alg !== 'RS256') throw new Error(`${target.url} answered ${res.status} ${body.error ?? ''} (alg ${header?.alg})`);
}

/** A partner with `chains` fresh refresh-token families from real sign-ins on `provider` (scenario 5). */
export async function refreshTarget(provider, chains) {
  const client = await registerPartner(provider.tokenService);
  return { provider, client, chains: await refreshChains(provider, client, chains), step: refreshStep(`${provider.issuer}/oauth2/token`, client) };
}
