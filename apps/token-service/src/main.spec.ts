import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from '../../../test/support/free-port';
import { sharedDatabaseUrl, stableSecretFor, testDatabaseUrl } from '../../../test/support/test-database';
import { loadTokenServiceConfig } from './config/token-service.config';
import { startTokenService } from './main';

describe('startTokenService on a port that is already taken', () => {
  let tmp: string;
  let squatter: Server;

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'tessera-start-'));
  });
  afterAll(async () => {
    await new Promise((resolve) => squatter?.close(resolve));
    await rm(tmp, { recursive: true, force: true });
  });

  it('fails with EADDRINUSE and gives back the listener it had already opened', async () => {
    const [publicPort, internalPort] = await freePorts(2);
    squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(internalPort, '127.0.0.1', resolve));
    const databaseUrl = testDatabaseUrl(tmp);
    const shared = sharedDatabaseUrl();
    const config = loadTokenServiceConfig({
      ISSUER: `http://127.0.0.1:${publicPort}`, TOKEN_SERVICE_HOST: '127.0.0.1', TOKEN_SERVICE_PORT: String(publicPort),
      TOKEN_SERVICE_INTERNAL_PORT: String(internalPort), DATA_DIR: tmp, DATABASE_URL: databaseUrl,
      KEY_ENCRYPTION_SECRET: shared ? stableSecretFor(shared, 'KEY_ENCRYPTION_SECRET') : randomBytes(32).toString('base64url'),
      INTERNAL_API_SECRET: randomBytes(32).toString('base64url'),
    });

    await expect(startTokenService(config, false)).rejects.toMatchObject({ code: 'EADDRINUSE' });

    // The public listener opened first; it must not linger (a leaked server keeps the process alive).
    const reopened = createServer();
    await new Promise<void>((resolve, reject) => reopened.once('error', reject).listen(publicPort, '127.0.0.1', resolve));
    await new Promise((resolve) => reopened.close(resolve));
  });
});
