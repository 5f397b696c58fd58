import { DataSource } from 'typeorm';

/**
 * Runs pending migrations so that two instances starting at once do not both run them.
 * TypeORM has no migration lock (typeorm#4588): MySQL gets a named lock held for the run;
 * SQLite an IMMEDIATE transaction around it, which makes the second writer wait.
 */
export async function runMigrationsExclusively(dataSource: DataSource, lockName: string): Promise<void> {
  if (dataSource.options.type === 'mysql' || dataSource.options.type === 'mariadb') {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [row] = (await runner.query('SELECT GET_LOCK(?, 120) AS got', [lockName])) as { got: number | string }[];
      if (Number(row?.got) !== 1) throw new Error(`could not take the migration lock "${lockName}" within 120 s`);
      try {
        await dataSource.runMigrations({ transaction: 'each' });
      } finally {
        await runner.query('SELECT RELEASE_LOCK(?)', [lockName]);
      }
    } finally {
      await runner.release();
    }
    return;
  }
  await dataSource.query('BEGIN IMMEDIATE');
  try {
    await dataSource.runMigrations({ transaction: 'none' });
    await dataSource.query('COMMIT');
  } catch (err) {
    await dataSource.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** The statements the schema builder would run to make the database match the entities: none when the migrations are complete. */
export async function pendingSchemaChanges(dataSource: DataSource): Promise<string[]> {
  const log = await dataSource.driver.createSchemaBuilder().log();
  return log.upQueries.map((q) => q.query);
}
