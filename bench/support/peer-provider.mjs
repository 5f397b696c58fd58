// The peer for scenarios 3, 4 and 9: node-oidc-provider 9 (panva), the provider a Node team would
// otherwise pick, in a process of its own, configured like Tessera where the scenarios compare them:
//
// - one RS256 key, RSA-2048 (a fresh one each start; Tessera generates its own the same way);
// - client_credentials enabled for one confidential client (client_secret_basic), as in Tessera;
// - JWT access tokens: node-oidc-provider only issues a JWT access token for a resource server, so
//   resource indicators (RFC 8707) are on with a default resource whose server info says
//   `accessTokenFormat: 'jwt'`, RS256, 15 minutes (Tessera's ACCESS_TOKEN_TTL default) and no scope
//   (Tessera's client_credentials grants none yet). The client sends no `resource`: the default applies;
// - storage: its built-in in-memory adapter (JWT access tokens are not stored by it anyway);
// - no rate limit (it has none), no cookies, no interactions used.
//
// Environment: PORT, ISSUER, CLIENT_ID, CLIENT_SECRET (the runner picks them).
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const { PORT, ISSUER, CLIENT_ID, CLIENT_SECRET } = process.env;
if (!PORT || !ISSUER || !CLIENT_ID || !CLIENT_SECRET) {
  console.error('peer-provider: PORT, ISSUER, CLIENT_ID and CLIENT_SECRET are required');
  process.exit(2);
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'peer-rs256', alg: 'RS256', use: 'sig' };
const RESOURCE = 'urn:tessera:bench:api';

const provider = new Provider(ISSUER, {
  clients: [{
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [signingKey] },
  ttl: { ClientCredentials: 900 },
  // ID tokens would be RS256 as well; nothing here issues one.
  enabledJWA: { idTokenSigningAlgValues: ['RS256'] },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: '',
        audience: RESOURCE,
        accessTokenTTL: 900,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
});
// Errors are answered to the client; nothing is printed per request (output would cost time).
const server = provider.listen(Number(PORT), '127.0.0.1');
server.keepAliveTimeout = 10_000;
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
