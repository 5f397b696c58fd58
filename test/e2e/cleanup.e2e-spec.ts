/**
 * The cleanup job inside a running token service (issue 4): while one pass deletes 20,000 expired
 * rows of the tables the token endpoint writes, token requests keep being answered, and the pass
 * shows up in the metrics.
 */
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Cleanup } from '../../apps/token-service/src/maintenance/cleanup.service';
import { TokenStatus } from '../../apps/token-service/src/status-list/token-status.entity';
import { RefreshToken } from '../../apps/token-service/src/token/refresh-token.entity';
import { Provider, RegisteredClient, startProvider } from './harness';

const EXPIRED_ROWS = 20_000;
const DAY = 86_400_000;

describe('the cleanup job in a running token service', () => {
  let provider: Provider;
  let client: RegisteredClient;

  beforeAll(async () => {
    // No timer: the test starts the pass itself, so it knows when it runs.
    provider = await startProvider({ CLEANUP_INTERVAL: '0' });
    client = await provider.registerClient({ redirect_uris: ['https://partner.example/callback'], grant_types: ['client_credentials'] });
  });
  afterAll(() => provider?.close());

  const tokenRequest = async (): Promise<number> => {
    const credentials = Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret!)}`).toString('base64');
    const response = await fetch(`${provider.issuer}/oauth2/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${credentials}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    await response.arrayBuffer();
    return response.status;
  };

  it('keeps answering token requests while a pass deletes 20,000 expired rows, and counts them in /metrics', async () => {
    const dataSource = provider.tokenServiceApp.get(DataSource);
    // Rows of our own (a list id and grant id no one else uses), expired two days ago.
    const listId = `cleanup-e2e-${randomBytes(6).toString('hex')}`;
    const grantId = `cleanup-e2e-${randomBytes(6).toString('hex')}`;
    const expiredAt = Date.now() - 2 * DAY;
    for (let first = 0; first < EXPIRED_ROWS; first += 1000) {
      const block = Array.from({ length: 1000 }, (_, i) => first + i);
      await dataSource.createQueryBuilder().insert().into(TokenStatus)
        .values(block.map((idx) => ({ listId, idx, grantId: null, kid: 'k', expiresAt: expiredAt, revokedAt: null })))
        .execute();
      await dataSource.createQueryBuilder().insert().into(RefreshToken)
        .values(block.slice(0, 250).map((i) => ({
          tokenHash: `${grantId}-${i}`, grantId, clientId: client.clientId, scope: 'openid', createdAt: expiredAt - DAY, expiresAt: expiredAt, usedAt: null,
        })))
        .execute();
    }
    expect(await tokenRequest()).toBe(200);

    let passing = true;
    const pass = provider.tokenServiceApp.get(Cleanup).runOnce().finally(() => {
      passing = false;
    });
    // Two clients in a loop, each token response writing a row to the table being cleaned.
    const statuses: number[] = [];
    let answeredDuringPass = 0;
    await Promise.all([0, 1].map(async () => {
      while (passing) {
        statuses.push(await tokenRequest());
        if (passing) answeredDuringPass++;
      }
    }));
    const outcome = await pass;

    expect(outcome.ran).toBe(true);
    if (!outcome.ran) return;
    expect(outcome.report.deleted.token_statuses).toBeGreaterThanOrEqual(EXPIRED_ROWS);
    expect(outcome.report.deleted.refresh_tokens).toBeGreaterThanOrEqual(EXPIRED_ROWS / 4);
    expect(outcome.report.batches.token_statuses).toBeGreaterThanOrEqual(EXPIRED_ROWS / 500);
    expect(await dataSource.getRepository(TokenStatus).countBy({ listId })).toBe(0);
    expect(await dataSource.getRepository(RefreshToken).countBy({ grantId })).toBe(0);
    // The requests ran while the pass did, and every one of them was answered with tokens.
    expect(answeredDuringPass).toBeGreaterThan(0);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);

    const metrics = await (await fetch(`${provider.internalUrl}/metrics`)).text();
    const deleted = /^tessera_cleanup_rows_deleted_total\{table="token_statuses"\} (\d+)$/m.exec(metrics);
    expect(Number(deleted?.[1])).toBe(outcome.report.deleted.token_statuses);
    expect(metrics).toMatch(/^tessera_cleanup_last_run_duration_seconds \d+(\.\d+)?$/m);
    expect(metrics).toMatch(/^tessera_cleanup_runs_skipped_total 0$/m);
  });
});
