import { DataSource, In } from 'typeorm';
import { SigningKey } from './signing-key.entity';

export type SigningKeySummary = Pick<SigningKey, 'kid' | 'state' | 'createdAt' | 'activatedAt' | 'retiredAt'>;

const LOCK_NAME = 'tessera_signing_keys';
const LOCK_TIMEOUT_SECONDS = 30;

export class SigningKeyRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Every key that belongs in the JWKS, the most recently activated first. */
  findPublished(): Promise<SigningKey[]> {
    return this.dataSource.getRepository(SigningKey).find({
      where: { state: In(['active', 'retired']) },
      order: { activatedAt: 'DESC', createdAt: 'DESC' },
    });
  }

  async hasActive(): Promise<boolean> {
    return (await this.dataSource.getRepository(SigningKey).countBy({ state: 'active' })) > 0;
  }

  /** For operators: never selects the private half. */
  listSummaries(): Promise<SigningKeySummary[]> {
    return this.dataSource.getRepository(SigningKey).find({
      select: { kid: true, state: true, createdAt: true, activatedAt: true, retiredAt: true },
      order: { createdAt: 'ASC' },
    });
  }

  /**
   * Stores `key` unless an active key exists already; answers whether it did. Serialised across
   * instances so that two starting at once end up with one active key: MySQL through a named lock
   * (TypeORM has none, typeorm#4588); SQLite through an IMMEDIATE transaction, run synchronously so
   * that a second connection in the same process cannot block the event loop while holding it up.
   */
  async insertIfNoneActive(key: SigningKey): Promise<boolean> {
    const type = this.dataSource.options.type;
    if (type === 'mysql' || type === 'mariadb') return this.insertIfNoneActiveUnderLock(key);
    if (type === 'better-sqlite3') return this.insertIfNoneActiveImmediate(key);
    throw new Error(`unsupported database type ${type}`);
  }

  private async insertIfNoneActiveUnderLock(key: SigningKey): Promise<boolean> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [row] = (await runner.query('SELECT GET_LOCK(?, ?) AS got', [LOCK_NAME, LOCK_TIMEOUT_SECONDS])) as { got: number | string | null }[];
      if (Number(row?.got) !== 1) throw new Error(`could not take the lock "${LOCK_NAME}" within ${LOCK_TIMEOUT_SECONDS} s`);
      try {
        const repository = runner.manager.getRepository(SigningKey);
        if ((await repository.countBy({ state: 'active' })) > 0) return false;
        await repository.insert(key);
        return true;
      } finally {
        await runner.query('SELECT RELEASE_LOCK(?)', [LOCK_NAME]);
      }
    } finally {
      await runner.release();
    }
  }

  private insertIfNoneActiveImmediate(key: SigningKey): boolean {
    const db = (this.dataSource.driver as unknown as { databaseConnection: BetterSqlite3Connection }).databaseConnection;
    return db.transaction(() => {
      if (db.prepare("SELECT 1 FROM signing_keys WHERE state = 'active' LIMIT 1").get()) return false;
      db.prepare(
        'INSERT INTO signing_keys (kid, state, public_jwk, private_jwk_encrypted, created_at, activated_at, retired_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ).run(key.kid, key.state, key.publicJwk, key.privateJwkEncrypted, key.createdAt, key.activatedAt, key.retiredAt);
      return true;
    }).immediate();
  }
}

/** The part of better-sqlite3's Database used above. */
interface BetterSqlite3Connection {
  prepare(sql: string): { get(...params: unknown[]): unknown; run(...params: unknown[]): unknown };
  transaction<T>(fn: () => T): { immediate(): T };
}
