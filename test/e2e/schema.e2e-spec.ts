import { pendingSchemaChanges } from '@tessera/database';
import { DataSource } from 'typeorm';
import { Provider, startProvider } from './harness';

// Migrations, not synchronize (DESIGN.md): once both apps have migrated their database, the schema
// builder must find nothing left to change, on SQLite and on MySQL/MariaDB alike.
describe('database schema', () => {
  let provider: Provider;
  beforeAll(async () => {
    provider = await startProvider();
  });
  afterAll(() => provider?.close());

  it('the token service migrations match its entities', async () => {
    expect(await pendingSchemaChanges(provider.tokenServiceApp.get(DataSource))).toEqual([]);
  });

  it('the login UI migrations match its entities', async () => {
    expect(await pendingSchemaChanges(provider.loginUiApp.get(DataSource))).toEqual([]);
  });

  it('leaves no migration pending for either app', async () => {
    const dataSource = provider.tokenServiceApp.get(DataSource);
    expect(await dataSource.showMigrations()).toBe(false);
    expect(await provider.loginUiApp.get(DataSource).showMigrations()).toBe(false);
  });
});
