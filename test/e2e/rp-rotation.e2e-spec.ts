import { createVerifier, isRpError, Verifier } from '@tessera/rp';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader } from 'jose';
import * as oidc from 'openid-client';
import { SigningKeys } from '../../apps/token-service/src/keys/signing-keys.service';
import { ScratchDatabase, scratchDatabase } from '../support/scratch-database';
import { Provider, RegisteredClient, startProvider } from './harness';
import { countingFetch } from './rp-probe';

const VERIFICATIONS = 200;
const ROTATE_AT = 50;
// Still rotating by then? Wait for it, so that the rest of the loop runs on the new key.
const ROTATED_BY = 100;

describe('a key rotation in the token service reaches libs/rp without a failed verification (issue 3)', () => {
  let tmp: string;
  let database: ScratchDatabase;
  let provider: Provider;
  let client: RegisteredClient;
  let verifier: Verifier | undefined;

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'tessera-rp-rotation-'));
    // A database of its own: the rotation must not leave another suite's shared database with a retired key.
    database = await scratchDatabase(tmp);
    provider = await startProvider({ DATABASE_URL: database.url });
    client = await provider.registerClient({ redirect_uris: ['https://partner.example/callback'], grant_types: ['client_credentials'] });
  });
  afterAll(async () => {
    verifier?.close();
    await provider?.close();
    await database?.drop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('verifies tokens of the old and the new key throughout, fetching the new key once', async () => {
    const keys = provider.tokenServiceApp.get(SigningKeys);
    const network = countingFetch();
    verifier = createVerifier({ issuer: provider.issuer, audience: client.clientId, fetch: network.fetch });
    const v = verifier;
    const newToken = async () => (await oidc.clientCredentialsGrant(client.config)).access_token;
    const kidOf = (token: string) => decodeProtectedHeader(token).kid;

    const oldKid = keys.activeKid;
    const signedBefore = [await newToken(), await newToken(), await newToken()];
    await v.warmUp();
    expect(v.stats()).toMatchObject({ jwksFetches: 1, unknownKidRefetches: 0 });

    const pool = [...signedBefore];
    const failures: { kid?: string; code: string }[] = [];
    const verifiedKids = new Map<string, number>();
    let rotation: Promise<string> | undefined;
    for (let i = 0; i < VERIFICATIONS; i++) {
      if (i === ROTATE_AT) rotation = keys.rotate();
      if (i === ROTATED_BY) await rotation;
      // Every fourth verification is of a token just issued (after the rotation: by the new key);
      // the others of any token issued so far, old ones included.
      let token: string;
      if (i % 4 === 0) {
        token = await newToken();
        pool.push(token);
      } else {
        token = pool[Math.floor(Math.random() * pool.length)];
      }
      try {
        const { header } = await v.verifyAccessToken(token);
        verifiedKids.set(header.kid, (verifiedKids.get(header.kid) ?? 0) + 1);
      } catch (err) {
        failures.push({ kid: kidOf(token), code: isRpError(err) ? err.code : String(err) });
      }
    }
    const newKid = await rotation!;

    expect(failures).toEqual([]);
    expect(newKid).not.toBe(oldKid);
    expect([...verifiedKids.keys()].sort()).toEqual([oldKid, newKid].sort());
    expect(pool.filter((t) => kidOf(t) === newKid).length).toBeGreaterThan(0);
    // The first token under the new kid made the one refetch; every later one found the key cached.
    expect(v.stats()).toMatchObject({ jwksFetches: 2, unknownKidRefetches: 1, jwksFailures: 0 });
    // Discovery, the JWKS at warm-up, and the one refetch: nothing per verification.
    expect(network.requests()).toBe(3);
    // Tokens signed before the rotation still verify: the retired key stays published.
    for (const token of signedBefore) {
      await expect(v.verifyAccessToken(token)).resolves.toMatchObject({ header: { kid: oldKid } });
    }
  });
});
