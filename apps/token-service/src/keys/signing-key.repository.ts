import { withNamedLock } from '@tessera/database';
import { DataSource, In, QueryRunner } from 'typeorm';
import { KeyChanges, KeyToCreate, PUBLISHED_STATES, ScheduledKey, SigningKeyState } from './key-schedule';
import { SigningKey } from './signing-key.entity';

export type SigningKeySummary = Pick<
  SigningKey, 'kid' | 'state' | 'createdAt' | 'activatedAt' | 'retiredAt' | 'activateAfter' | 'removeAfter' | 'revokedAt'
>;

const LOCK_NAME = 'tessera_signing_keys';
const LOCK_TIMEOUT_SECONDS = 30;
const SUMMARY_COLUMNS = {
  kid: true, state: true, createdAt: true, activatedAt: true, retiredAt: true, activateAfter: true, removeAfter: true, revokedAt: true,
} as const;

/** Decides the changes from the keys as they are under the lock (a rule of key-schedule.ts). */
export type KeyDecision = (keys: ScheduledKey[]) => KeyChanges;

/** The decision creates a key but the caller prepared no key material: prepare one and try again. */
export class NeedsNewKeyMaterial extends Error {
  constructor() {
    super('a new signing key is needed');
  }
}

export class SigningKeyRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Every key that belongs in the JWKS (next, active, retired), the most recently activated first. */
  findPublished(): Promise<SigningKey[]> {
    return this.dataSource.getRepository(SigningKey).find({
      where: { state: In([...PUBLISHED_STATES]) },
      order: { activatedAt: 'DESC', createdAt: 'DESC' },
    });
  }

  /** For operators and the schedule: never selects the private half. */
  listSummaries(): Promise<SigningKeySummary[]> {
    return this.dataSource.getRepository(SigningKey).find({ select: SUMMARY_COLUMNS, order: { createdAt: 'ASC' } });
  }

  /** Revoked keys, for a consumer (the status list) that reconciles what they signed. */
  findRevoked(): Promise<SigningKeySummary[]> {
    return this.dataSource.getRepository(SigningKey).find({ select: SUMMARY_COLUMNS, where: { state: 'revoked' }, order: { revokedAt: 'ASC' } });
  }

  /**
   * Reads every key, lets `decide` choose the changes, and applies them, all in one transaction that
   * is serialised across instances: MySQL through a named lock (TypeORM has none, typeorm#4588);
   * SQLite through an IMMEDIATE transaction, run synchronously so that a second connection in the
   * same process cannot block the event loop while holding it up. So two instances deciding at once
   * run one after the other, and the second decides on what the first wrote: each transition of the
   * schedule happens exactly once. `material` is the key a created key becomes (generated before,
   * so that the lock is not held while an RSA key is generated). Answers the changes applied.
   */
  async change(decide: KeyDecision, material?: SigningKey): Promise<KeyChanges> {
    const type = this.dataSource.options.type;
    if (type === 'mysql' || type === 'mariadb') return this.changeUnderLock(decide, material);
    if (type === 'better-sqlite3') return this.changeImmediate(decide, material);
    throw new Error(`unsupported database type ${type}`);
  }

  private changeUnderLock(decide: KeyDecision, material: SigningKey | undefined): Promise<KeyChanges> {
    return this.underLock(async (runner) => {
      await runner.startTransaction();
      try {
        const repository = runner.manager.getRepository(SigningKey);
        const keys = await repository.find({ select: SUMMARY_COLUMNS });
        const changes = decide(keys);
        const created = changes.create && materialFor(material, changes.create);
        for (const update of changes.updates) {
          const { kid, wipePrivateHalf, ...columns } = update;
          await repository.update({ kid }, { ...columns, ...(wipePrivateHalf ? { privateJwkEncrypted: '' } : {}) });
        }
        if (created) await repository.insert(created);
        await runner.commitTransaction();
        return changes;
      } catch (err) {
        await runner.rollbackTransaction();
        throw err;
      }
    });
  }

  private changeImmediate(decide: KeyDecision, material: SigningKey | undefined): KeyChanges {
    const db = this.sqlite();
    return db.transaction(() => {
      const keys = (db.prepare(
        'SELECT kid, state, created_at, activated_at, retired_at, activate_after, remove_after, revoked_at FROM signing_keys',
      ).all() as SqliteKeyRow[]).map(fromSqliteRow);
      const changes = decide(keys);
      const created = changes.create && materialFor(material, changes.create);
      const update = db.prepare(
        'UPDATE signing_keys SET state = ?, activated_at = ?, retired_at = ?, activate_after = ?, remove_after = ?, revoked_at = ? WHERE kid = ?',
      );
      const wipe = db.prepare("UPDATE signing_keys SET private_jwk_encrypted = '' WHERE kid = ?");
      for (const u of changes.updates) {
        update.run(u.state, u.activatedAt, u.retiredAt, u.activateAfter, u.removeAfter, u.revokedAt, u.kid);
        if (u.wipePrivateHalf) wipe.run(u.kid);
      }
      if (created) this.insertRow(db, created);
      return changes;
    }).immediate();
  }

  /** Runs `work` on one connection holding the MySQL named lock that serialises key changes. */
  private async underLock<T>(work: (runner: QueryRunner) => Promise<T>): Promise<T> {
    const outcome = await withNamedLock(this.dataSource, LOCK_NAME, LOCK_TIMEOUT_SECONDS, work);
    if (!outcome.acquired) throw new Error(`could not take the lock "${LOCK_NAME}" within ${LOCK_TIMEOUT_SECONDS} s`);
    return outcome.value;
  }

  private sqlite(): BetterSqlite3Connection {
    return (this.dataSource.driver as unknown as { databaseConnection: BetterSqlite3Connection }).databaseConnection;
  }

  private insertRow(db: BetterSqlite3Connection, key: SigningKey): void {
    db.prepare(
      'INSERT INTO signing_keys (kid, state, public_jwk, private_jwk_encrypted, created_at, activated_at, retired_at, activate_after, remove_after, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(
      key.kid, key.state, key.publicJwk, key.privateJwkEncrypted, key.createdAt, key.activatedAt, key.retiredAt,
      key.activateAfter ?? null, key.removeAfter ?? null, key.revokedAt ?? null,
    );
  }
}

/** Material generated before the transaction: generating an RSA key inside it would hold the lock that long. */
function materialFor(material: SigningKey | undefined, spec: KeyToCreate): SigningKey {
  if (!material) throw new NeedsNewKeyMaterial();
  return Object.assign(material, spec);
}

interface SqliteKeyRow {
  kid: string;
  state: SigningKeyState;
  created_at: number;
  activated_at: number | null;
  retired_at: number | null;
  activate_after: number | null;
  remove_after: number | null;
  revoked_at: number | null;
}

function fromSqliteRow(row: SqliteKeyRow): ScheduledKey {
  return {
    kid: row.kid, state: row.state, createdAt: Number(row.created_at), activatedAt: nullableNumber(row.activated_at),
    retiredAt: nullableNumber(row.retired_at), activateAfter: nullableNumber(row.activate_after),
    removeAfter: nullableNumber(row.remove_after), revokedAt: nullableNumber(row.revoked_at),
  };
}

function nullableNumber(value: number | null): number | null {
  return value === null ? null : Number(value);
}

/** The part of better-sqlite3's Database used above. */
interface BetterSqlite3Connection {
  prepare(sql: string): { get(...params: unknown[]): unknown; all(...params: unknown[]): unknown[]; run(...params: unknown[]): unknown };
  transaction<T>(fn: () => T): { immediate(): T };
}
