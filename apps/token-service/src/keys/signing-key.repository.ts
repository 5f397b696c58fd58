import { DataSource, In, QueryRunner } from 'typeorm';
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

  /**
   * Makes `key` the active key and keeps every previously active key published as `retired`, in one
   * transaction: readers see the old active key or the new one, never none or two. Serialised across
   * instances like `insertIfNoneActive`, so two rotating at once run one after the other and still
   * leave exactly one active key. Answers the kids it retired.
   */
  async rotateTo(key: SigningKey, retiredAt: number): Promise<string[]> {
    const type = this.dataSource.options.type;
    if (type === 'mysql' || type === 'mariadb') return this.rotateToUnderLock(key, retiredAt);
    if (type === 'better-sqlite3') return this.rotateToImmediate(key, retiredAt);
    throw new Error(`unsupported database type ${type}`);
  }

  private async rotateToUnderLock(key: SigningKey, retiredAt: number): Promise<string[]> {
    return this.underLock(async (runner) => {
      await runner.startTransaction();
      try {
        const repository = runner.manager.getRepository(SigningKey);
        const retiring = (await repository.find({ select: { kid: true }, where: { state: 'active' } })).map((k) => k.kid);
        if (retiring.length > 0) await repository.update({ kid: In(retiring) }, { state: 'retired', retiredAt });
        await repository.insert(key);
        await runner.commitTransaction();
        return retiring;
      } catch (err) {
        await runner.rollbackTransaction();
        throw err;
      }
    });
  }

  private rotateToImmediate(key: SigningKey, retiredAt: number): string[] {
    const db = this.sqlite();
    return db.transaction(() => {
      const retiring = (db.prepare("SELECT kid FROM signing_keys WHERE state = 'active'").all() as { kid: string }[]).map((k) => k.kid);
      db.prepare("UPDATE signing_keys SET state = 'retired', retired_at = ? WHERE state = 'active'").run(retiredAt);
      this.insertRow(db, key);
      return retiring;
    }).immediate();
  }

  private async insertIfNoneActiveUnderLock(key: SigningKey): Promise<boolean> {
    return this.underLock(async (runner) => {
      const repository = runner.manager.getRepository(SigningKey);
      if ((await repository.countBy({ state: 'active' })) > 0) return false;
      await repository.insert(key);
      return true;
    });
  }

  private insertIfNoneActiveImmediate(key: SigningKey): boolean {
    const db = this.sqlite();
    return db.transaction(() => {
      if (db.prepare("SELECT 1 FROM signing_keys WHERE state = 'active' LIMIT 1").get()) return false;
      this.insertRow(db, key);
      return true;
    }).immediate();
  }

  /** Runs `work` on one connection holding the MySQL named lock that serialises key changes. */
  private async underLock<T>(work: (runner: QueryRunner) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [row] = (await runner.query('SELECT GET_LOCK(?, ?) AS got', [LOCK_NAME, LOCK_TIMEOUT_SECONDS])) as { got: number | string | null }[];
      if (Number(row?.got) !== 1) throw new Error(`could not take the lock "${LOCK_NAME}" within ${LOCK_TIMEOUT_SECONDS} s`);
      try {
        return await work(runner);
      } finally {
        await runner.query('SELECT RELEASE_LOCK(?)', [LOCK_NAME]);
      }
    } finally {
      await runner.release();
    }
  }

  private sqlite(): BetterSqlite3Connection {
    return (this.dataSource.driver as unknown as { databaseConnection: BetterSqlite3Connection }).databaseConnection;
  }

  private insertRow(db: BetterSqlite3Connection, key: SigningKey): void {
    db.prepare(
      'INSERT INTO signing_keys (kid, state, public_jwk, private_jwk_encrypted, created_at, activated_at, retired_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(key.kid, key.state, key.publicJwk, key.privateJwkEncrypted, key.createdAt, key.activatedAt, key.retiredAt);
  }
}

/** The part of better-sqlite3's Database used above. */
interface BetterSqlite3Connection {
  prepare(sql: string): { get(...params: unknown[]): unknown; all(...params: unknown[]): unknown[]; run(...params: unknown[]): unknown };
  transaction<T>(fn: () => T): { immediate(): T };
}
