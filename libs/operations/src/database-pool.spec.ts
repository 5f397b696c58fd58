import { MetricsRegistry } from './metrics-registry';
import { registerDatabasePoolGauge } from './index';

describe('registerDatabasePoolGauge', () => {
  const render = async (dataSource: Parameters<typeof registerDatabasePoolGauge>[1]) => {
    const registry = new MetricsRegistry();
    registerDatabasePoolGauge(registry, dataSource);
    return registry.render();
  };

  it('reports a mysql2 pool by state, as the driver counts its connections', async () => {
    const driver = { pool: { _allConnections: { length: 5 }, _freeConnections: { length: 3 } } };
    const text = await render(() => ({ isInitialized: true, driver }));
    expect(text).toContain('tessera_db_pool_connections{state="in_use"} 2\n');
    expect(text).toContain('tessera_db_pool_connections{state="idle"} 3\n');
  });

  it.each([
    ['an embedded SQLite database (no pool)', () => ({ isInitialized: true, driver: { databaseConnection: {} } })],
    ['a DataSource that is closed', () => ({ isInitialized: false, driver: { pool: { _allConnections: { length: 1 }, _freeConnections: { length: 1 } } } })],
    ['an app not built yet', () => undefined],
  ])('has no samples for %s, and the scrape still succeeds', async (_case, dataSource) => {
    const text = await render(dataSource);
    expect(text).toBe('# HELP tessera_db_pool_connections Database pool connections by state (MySQL/MariaDB only)\n# TYPE tessera_db_pool_connections gauge\n');
  });
});
