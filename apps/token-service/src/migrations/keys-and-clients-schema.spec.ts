import { pendingSchemaChanges } from '@tessera/database';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMigratedDatabase } from '../../../../test/support/migrated-database';
import { testDatabaseUrl } from '../../../../test/support/test-database';
import { Client } from '../clients/client.entity';
import { SigningKey } from '../keys/signing-key.entity';
import { SigningKeys1764300000000 } from './1764300000000-signing-keys';
import { Clients1764300100000 } from './1764300100000-clients';
import { SigningKeySchedule1764300240000 } from './1764300240000-signing-key-schedule';
import { AuthorizationFlow1764300001000 } from './1764300001000-authorization-flow';
import { BackchannelLogout1764300300000 } from './1764300300000-backchannel-logout';
import { AdminApi1764300340000 } from './1764300340000-admin-api';

describe('the signing_keys and clients migrations', () => {
  it('build exactly the schema the entities describe', async () => {
    const tmpDir = await mkdtemp(join(tmpdir(), 'tessera-keys-clients-schema-'));
    const dataSource = await openMigratedDatabase(testDatabaseUrl(tmpDir), {
      entities: [SigningKey, Client],
      // Every migration that changes these two tables, and what they need (token_grants for an index).
      migrations: [
        SigningKeys1764300000000, AuthorizationFlow1764300001000, Clients1764300100000, SigningKeySchedule1764300240000,
        BackchannelLogout1764300300000, AdminApi1764300340000,
      ],
    });
    try {
      expect(await pendingSchemaChanges(dataSource)).toEqual([]);
    } finally {
      await dataSource.destroy();
      await rm(tmpDir, { recursive: true, force: true });
    }
  });
});
