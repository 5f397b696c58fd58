import { constants, createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { timedSyncLoop } from './timed-loop.mjs';

/**
 * Scenario 1's headline number, measured again inside a scenario so that a ratio to it compares one
 * run with itself: RS256 (RSA-2048) signs per second with synchronous node:crypto on one thread,
 * over a typical access token's signing input.
 */
export function rawSignRate(durationMs = 1_000) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' }));
  const input = Buffer.from(`${Buffer.from('{"alg":"RS256","kid":"k","typ":"at+jwt"}').toString('base64url')}.${Buffer.alloc(300, 97).toString('base64url')}`);
  return timedSyncLoop(() => sign('sha256', input, { key, padding: constants.RSA_PKCS1_PADDING }), durationMs).perSecond;
}
