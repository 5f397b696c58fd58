// Scenario 1 (issue 5): the physical limit for anything that signs or verifies RS256 here. RSA-2048
// with node:crypto (synchronous, on the event loop: one core) and with jose (WebCrypto, on libuv's
// thread pool), one operation at a time; and jose signing with several in flight, which is the most a
// signer in one Node process can get out of the machine.
import { constants, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { importJWK, jwtVerify, SignJWT } from 'jose';
import { timedLoop, timedSyncLoop } from '../lib/timed-loop.mjs';

const DURATION_MS = 2_000;
const IN_FLIGHT = availableParallelism() * 2;

export default {
  id: 1,
  name: 'raw-limit',
  title: 'Raw limit: RS256 (RSA-2048) sign and verify in one process',
  description:
    `Each operation for ${DURATION_MS / 1000} s, one at a time (node:crypto synchronous, jose awaited), ` +
    `plus jose signing with ${IN_FLIGHT} in flight. The token is a typical access token (about 400 bytes).`,
  metrics: {
    nodeCryptoSignPerSec: { label: 'node:crypto sign', unit: 'ops/s' },
    nodeCryptoVerifyPerSec: { label: 'node:crypto verify', unit: 'ops/s' },
    joseSignPerSec: { label: 'jose sign (1 in flight)', unit: 'ops/s' },
    joseSignInFlightPerSec: { label: `jose sign (${IN_FLIGHT} in flight)`, unit: 'ops/s' },
    joseVerifyPerSec: { label: 'jose jwtVerify (1 in flight)', unit: 'ops/s' },
  },
  targets: [],

  async setup() {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = 'bench-key';
    const josePrivate = await importJWK({ ...privateKey.export({ format: 'jwk' }), alg: 'RS256' }, 'RS256');
    const josePublic = await importJWK({ ...publicKey.export({ format: 'jwk' }), alg: 'RS256' }, 'RS256');
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: 'http://127.0.0.1:3000', sub: 'bench-client', aud: 'bench-client', client_id: 'bench-client',
      scope: '', jti: 'c2b1f0e4a7d94b5e8f3a6c1d2e9b7a40', iat: now, exp: now + 900,
    };
    const sign1 = () => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, typ: 'at+jwt' }).sign(josePrivate);
    const token = await sign1();
    const [header, payload, signature] = token.split('.');
    const signingInput = Buffer.from(`${header}.${payload}`);
    const signatureBytes = Buffer.from(signature, 'base64url');
    const nodePrivate = createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' }));
    const nodePublic = createPublicKey(publicKey.export({ format: 'pem', type: 'spki' }));
    const rsa = { padding: constants.RSA_PKCS1_PADDING };
    // The two libraries must agree before either is timed.
    if (!verify('sha256', signingInput, { key: nodePublic, ...rsa }, signatureBytes)) throw new Error('node:crypto does not verify what jose signed');
    return { nodePrivate, nodePublic, rsa, signingInput, signatureBytes, sign1, token, josePublic };
  },

  async run(s) {
    const nodeSign = timedSyncLoop(() => sign('sha256', s.signingInput, { key: s.nodePrivate, ...s.rsa }), DURATION_MS);
    const nodeVerify = timedSyncLoop(() => verify('sha256', s.signingInput, { key: s.nodePublic, ...s.rsa }, s.signatureBytes), DURATION_MS);
    const joseSign = await timedLoop(s.sign1, DURATION_MS);
    const joseSignInFlight = await timedLoop(s.sign1, DURATION_MS, { inFlight: IN_FLIGHT });
    const options = { algorithms: ['RS256'], typ: 'at+jwt' };
    const joseVerify = await timedLoop(() => jwtVerify(s.token, s.josePublic, options), DURATION_MS);
    return {
      metrics: {
        nodeCryptoSignPerSec: nodeSign.perSecond,
        nodeCryptoVerifyPerSec: nodeVerify.perSecond,
        joseSignPerSec: joseSign.perSecond,
        joseSignInFlightPerSec: joseSignInFlight.perSecond,
        joseVerifyPerSec: joseVerify.perSecond,
      },
    };
  },
};
