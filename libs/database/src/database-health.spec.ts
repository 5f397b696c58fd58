import { readiness } from './database-health';

describe('readiness', () => {
  it('is 200 when every check is up', () => {
    expect(readiness({ database: 'up', migrations: 'up', signingKey: 'up' })).toEqual({
      status: 200,
      body: { status: 'ready', checks: { database: 'up', migrations: 'up', signingKey: 'up' } },
    });
  });

  it.each([
    [{ database: 'down', migrations: 'skipped' } as const, ['database', 'migrations']],
    [{ database: 'up', migrations: 'pending' } as const, ['migrations']],
    [{ database: 'up', migrations: 'up', signingKey: 'down' } as const, ['signingKey']],
  ])('is 503 naming what is not up: %o', (checks, failing) => {
    const answer = readiness(checks);
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({ status: 'unavailable', checks, failing });
  });
});
