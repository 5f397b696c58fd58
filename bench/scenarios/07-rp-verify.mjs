// Scenario 7 (issues 3 and 5): what libs/rp costs a partner per verification once its JWKS cache is
// warm, against the least a partner could do by hand: jose.jwtVerify with the issuer's public key
// already imported. Same process, same tokens (access tokens from a real Tessera token service), one
// verification at a time, the two sides in alternating slices. Network requests are counted through the fetch the
// verifier is given: once warm there should be none. With the Token Status List check on (issue 4)
// the same comparison runs again: the list is cached for its ttl and fetched in the background.
import { createRequire } from 'node:module';
import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { DIST, requireBuilt } from '../lib/dist.mjs';
import { startTokenService } from '../lib/token-service.mjs';
import { interleaved } from '../lib/timed-loop.mjs';

const DURATION_MS = 2_000;
const TOKENS = 32;

export default {
  id: 7,
  name: 'rp-verify',
  title: 'libs/rp verify with a warm cache vs raw jose.jwtVerify',
  description:
    `${TOKENS} client_credentials access tokens from the built token service (SQLite), each side verifying them ` +
    `round-robin for ${DURATION_MS / 1000} s, one at a time, in 20 alternating slices (so machine noise weighs on both). ` +
    'Raw: jwtVerify(token, importedKey, { issuer, audience, algorithms: [RS256], typ: at+jwt }). Then the same with a ' +
    'second verifier whose Token Status List check is on (strict), the list warm in its cache.',
  metrics: {
    rpVerifyPerSec: { label: 'libs/rp verifyAccessToken', unit: 'ops/s' },
    joseVerifyPerSec: { label: 'raw jose.jwtVerify, local key', unit: 'ops/s' },
    rpToJoseRatio: { label: 'ratio libs/rp / raw jose', unit: '×' },
    rpStatusVerifyPerSec: { label: 'libs/rp verifyAccessToken with the status-list check (strict)', unit: 'ops/s' },
    rpStatusToJoseRatio: { label: 'ratio libs/rp with status list / raw jose', unit: '×' },
    statusNetworkRequestsPerVerification: { label: 'network requests per verification with the status list (warm)', unit: 'req/op' },
    networkRequestsPerVerification: { label: 'network requests per verification (warm)', unit: 'req/op' },
    failedVerifications: { label: 'failed verifications', unit: 'count' },
  },
  targets: [
    { metric: 'rpToJoseRatio', min: 0.9, label: 'libs/rp ≥ 0.9 × raw jose (issue 3)' },
    { metric: 'networkRequestsPerVerification', max: 0, label: 'no network request per verification once warm (issue 3)' },
    { metric: 'statusNetworkRequestsPerVerification', max: 0.001, label: 'with the status list: at most a background fetch per ttl, none per verification (issue 4)' },
    { metric: 'failedVerifications', max: 0, label: 'every verification succeeds' },
  ],

  async setup() {
    // The compiled library, as a partner's Node app would load it (CommonJS, with jose required from it).
    const rp = createRequire(import.meta.url)(requireBuilt(DIST.rp));
    const tokenService = await startTokenService();
    let verifier;
    let statusVerifier;
    try {
      const client = await tokenService.registerClient({
        redirect_uris: ['https://bench.example/callback'],
        grant_types: ['client_credentials'],
      });
      const tokens = [];
      for (let i = 0; i < TOKENS; i++) tokens.push(await tokenService.clientCredentialsToken(client));

      let networkRequests = 0;
      const countingFetch = (input, init) => {
        networkRequests++;
        return fetch(input, init);
      };
      verifier = rp.createVerifier({ issuer: tokenService.issuer, audience: client.clientId, fetch: countingFetch });
      await verifier.warmUp();
      let statusRequests = 0;
      const statusFetch = (input, init) => {
        statusRequests++;
        return fetch(input, init);
      };
      statusVerifier = rp.createVerifier({
        issuer: tokenService.issuer, audience: client.clientId, fetch: statusFetch, statusList: { mode: 'strict' },
      });
      await statusVerifier.warmUp();

      const jwks = await (await fetch(`${tokenService.issuer}/.well-known/jwks.json`)).json();
      const keys = new Map();
      for (const jwk of jwks.keys) keys.set(jwk.kid, await importJWK(jwk, 'RS256'));
      const key = keys.get(decodeProtectedHeader(tokens[0]).kid);
      const rawOptions = { issuer: tokenService.issuer, audience: client.clientId, algorithms: ['RS256'], typ: 'at+jwt' };

      // Both sides must accept every token before either is timed.
      for (const token of tokens) {
        await verifier.verifyAccessToken(token);
        await statusVerifier.verifyAccessToken(token); // also warms the status list
        await jwtVerify(token, key, rawOptions);
      }
      return {
        tokenService, verifier, statusVerifier, tokens, key, rawOptions,
        requests: () => networkRequests, statusRequests: () => statusRequests,
      };
    } catch (err) {
      verifier?.close();
      statusVerifier?.close();
      await tokenService.stop();
      throw err;
    }
  },

  async run(s) {
    let failed = 0;
    let i = 0;
    let j = 0;
    const rpOp = () => s.verifier.verifyAccessToken(s.tokens[i++ % s.tokens.length]).catch(() => { failed++; });
    const joseOp = () => jwtVerify(s.tokens[j++ % s.tokens.length], s.key, s.rawOptions).catch(() => { failed++; });
    const requestsBefore = s.requests();
    const [rp, jose] = await interleaved(rpOp, joseOp, DURATION_MS);
    const requests = s.requests() - requestsBefore;
    let k = 0;
    let m = 0;
    const statusOp = () => s.statusVerifier.verifyAccessToken(s.tokens[k++ % s.tokens.length]).catch(() => { failed++; });
    const joseOp2 = () => jwtVerify(s.tokens[m++ % s.tokens.length], s.key, s.rawOptions).catch(() => { failed++; });
    const statusRequestsBefore = s.statusRequests();
    const [rpStatus, jose2] = await interleaved(statusOp, joseOp2, DURATION_MS);
    const statusRequests = s.statusRequests() - statusRequestsBefore;
    return {
      metrics: {
        rpVerifyPerSec: rp.perSecond,
        joseVerifyPerSec: jose.perSecond,
        rpToJoseRatio: rp.perSecond / jose.perSecond,
        // Every request the verifier made during the run (a background refresh would show here),
        // over the verifications it timed.
        networkRequestsPerVerification: requests / rp.ops,
        rpStatusVerifyPerSec: rpStatus.perSecond,
        rpStatusToJoseRatio: rpStatus.perSecond / jose2.perSecond,
        statusNetworkRequestsPerVerification: statusRequests / rpStatus.ops,
        failedVerifications: failed,
      },
      details: {
        verifierStats: s.verifier.stats(), rpVerifications: rp.ops, joseVerifications: jose.ops,
        statusVerifierStats: s.statusVerifier.stats(), rpStatusVerifications: rpStatus.ops, statusRequests,
      },
    };
  },

  async teardown(s) {
    s.verifier.close();
    s.statusVerifier.close();
    await s.tokenService.stop();
  },
};
