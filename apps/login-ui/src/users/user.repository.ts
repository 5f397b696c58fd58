import { Brackets, DataSource, EntityManager, Repository, SelectQueryBuilder, WhereExpressionBuilder } from 'typeorm';
import { LockoutPolicy, lockoutSteps } from './lockout.rule';
import { loginKey } from './login-key';
import { UserRoleEntity } from './user-role.entity';
import { UserEntity } from './user.entity';

/** A unique index refused the row: the username or the email is taken. */
export class DuplicateUserRow extends Error {}

export interface LockoutState {
  failedCount: number;
  lastFailureAt: number | null;
  lockedUntil: number | null;
}

/** The directory's filters; `prefix` is already in loginKey form. */
export interface DirectoryFilter {
  prefix?: string;
  disabled?: boolean;
  role?: string;
}

/**
 * The orders a directory list is read in, each one an index range scan (no sort of the matches):
 * `username` (every account, or one role's holders, or the enabled/disabled ones), and for a search
 * the accounts whose username, else email, else name starts with the prefix.
 */
export type DirectoryOrder = 'username' | 'email' | 'name';

/** Where the previous page stopped, in the order's own key. */
export interface DirectoryPosition {
  key: string;
  /** The tie-breaker where the key is not unique (names). */
  id?: string;
}

/** The profile columns an administrator may change. */
export type ProfileColumns = Partial<Pick<UserEntity, 'email' | 'emailKey' | 'emailVerified' | 'name' | 'nameKey' | 'profile' | 'updatedAt'>>;

export class UserRepository {
  private readonly users: Repository<UserEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.users = dataSource.getRepository(UserEntity);
  }

  /** An email when the login has an @ (usernames may not), otherwise a username. */
  async findByLogin(usernameOrEmail: string): Promise<UserEntity | null> {
    const key = loginKey(usernameOrEmail);
    const byEmail = key.includes('@');
    const row = byEmail ? await this.users.findOneBy({ emailKey: key }) : await this.users.findOneBy({ usernameKey: key });
    // MySQL compares under the column's collation (utf8mb4_unicode_ci), which also equates accents
    // and letters such as ı, ì, ò with i and o: the index finds the one candidate, and only the exact
    // key is the account, as on SQLite. loginKey alone decides which spellings are the same name.
    return row && (byEmail ? row.emailKey : row.usernameKey) === key ? row : null;
  }

  findByUsernameKey(usernameKey: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ usernameKey });
  }

  findByEmailKey(emailKey: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ emailKey });
  }

  async isEmpty(): Promise<boolean> {
    return (await this.users.find({ select: { id: true }, take: 1 })).length === 0;
  }

  /**
   * Counts one sign-in attempt against the account, before its password is checked, unless the
   * account is locked at `now`; true when the attempt may go ahead. Counting first is what stops
   * parallel guesses from slipping past the threshold while the first ones are still being verified
   * (GHSA-7h8m-vrxx-vr4m): one conditional UPDATE increments the count, restarts it after the reset
   * period and sets the lock, so the database serializes attempts from every instance and none is lost.
   */
  async countAttempt(userId: string, now: number, policy: LockoutPolicy): Promise<boolean> {
    const resetBefore = now - policy.resetSeconds * 1000;
    const count = '(CASE WHEN last_failure_at IS NULL OR last_failure_at <= ? THEN 1 ELSE failed_count + 1 END)';
    const steps = lockoutSteps(policy);
    const lockedUntil = `CASE ${steps.map(() => `WHEN ${count} >= ? THEN ?`).join(' ')} ELSE NULL END`;
    // MySQL evaluates SET left to right and lets later expressions see earlier assignments, where
    // SQLite (and standard SQL) reads the old row throughout: each expression here reads only
    // columns that are assigned after it, so both compute the same row.
    const sql = `UPDATE users SET locked_until = ${lockedUntil}, failed_count = ${count}, last_failure_at = ?
      WHERE id = ? AND (locked_until IS NULL OR locked_until <= ?)`;
    const params = [
      ...steps.flatMap((step) => [resetBefore, step.failures, now + step.waitSeconds * 1000]),
      resetBefore, now, userId, now,
    ];
    return (await this.execute(sql, params)) === 1;
  }

  /** Forgets the failures and any lock: after a successful sign-in, or when an administrator unlocks. */
  async clearFailures(userId: string): Promise<boolean> {
    const sql = 'UPDATE users SET failed_count = 0, last_failure_at = NULL, locked_until = NULL WHERE id = ?';
    return (await this.execute(sql, [userId])) === 1;
  }

  async findLockoutState(userId: string): Promise<LockoutState | null> {
    const row = await this.users.findOne({ select: { id: true, failedCount: true, lastFailureAt: true, lockedUntil: true }, where: { id: userId } });
    return row && { failedCount: row.failedCount, lastFailureAt: row.lastFailureAt, lockedUntil: row.lockedUntil };
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  /** The account and its role index rows, together. */
  async insert(user: UserEntity): Promise<void> {
    await this.uniquely(() => this.dataSource.transaction(async (tx) => {
      await tx.getRepository(UserEntity).insert(user);
      await insertRoleRows(tx, user, user.roles);
    }));
  }

  /** False when there is no such user; DuplicateUserRow when the new email is taken. */
  async updateProfile(id: string, columns: ProfileColumns): Promise<boolean> {
    return this.uniquely(async () => ((await this.users.update({ id }, columns)).affected ?? 0) === 1);
  }

  /** The roles and their index rows, in one transaction. */
  async replaceRoles(user: Pick<UserEntity, 'id' | 'usernameKey'>, roles: string[]): Promise<boolean> {
    return this.dataSource.transaction(async (tx) => {
      if (((await tx.getRepository(UserEntity).update({ id: user.id }, { roles })).affected ?? 0) !== 1) return false;
      await tx.getRepository(UserRoleEntity).delete({ userId: user.id });
      await insertRoleRows(tx, user, roles);
      return true;
    });
  }

  async setDisabled(id: string, disabled: boolean): Promise<boolean> {
    return ((await this.users.update({ id }, { disabled })).affected ?? 0) === 1;
  }

  /** A new password also forgets the failures and any lock: guesses at the old one no longer matter. */
  async replacePasswordHash(id: string, passwordHash: string): Promise<boolean> {
    const changes = { passwordHash, failedCount: 0, lastFailureAt: null, lockedUntil: null };
    return ((await this.users.update({ id }, changes)).affected ?? 0) === 1;
  }

  /**
   * Up to `take` accounts in `order`, after `after`. Every shape is served by an index range in
   * its order, so a page costs about `take` rows however large the directory is: username order
   * by UQ_users_username_key (or IDX_users_disabled_username_key with `disabled`, or the user_roles
   * primary key with `role`), email order by UQ_users_email_key, name order by IDX_users_name_key.
   * With `role`, the prefix and `disabled` are checked on that role's holders, who are few.
   */
  async listPage(order: DirectoryOrder, filter: DirectoryFilter, after: DirectoryPosition | null, take: number): Promise<UserEntity[]> {
    const query = this.users.createQueryBuilder('u');
    if (filter.role !== undefined) {
      query.innerJoin(UserRoleEntity, 'r', 'r.user_id = u.id').where('r.role = :role', { role: filter.role });
      if (filter.prefix !== undefined) query.andWhere(new Brackets((any) => this.matchesPrefix(any, filter.prefix!, ['username_key', 'email_key', 'name_key'])));
      if (after) query.andWhere('r.username_key > :after', { after: after.key });
      query.orderBy('r.username_key', 'ASC');
    } else if (order === 'username') {
      if (filter.prefix !== undefined) this.startsWith(query, 'username_key', filter.prefix);
      if (after) query.andWhere('u.username_key > :after', { after: after.key });
      query.orderBy('u.username_key', 'ASC');
    } else if (order === 'email') {
      // Accounts whose username matched were listed before, in username order.
      this.startsWith(query, 'email_key', filter.prefix!);
      query.andWhere(new Brackets((not) => this.lacksPrefix(not, 'username_key', filter.prefix!)));
      if (after) query.andWhere('u.email_key > :after', { after: after.key });
      query.orderBy('u.email_key', 'ASC');
    } else {
      this.startsWith(query, 'name_key', filter.prefix!);
      query.andWhere(new Brackets((not) => this.lacksPrefix(not, 'username_key', filter.prefix!)));
      query.andWhere(new Brackets((not) => not.where('u.email_key IS NULL').orWhere(new Brackets((b) => this.lacksPrefix(b, 'email_key', filter.prefix!)))));
      if (after) {
        query.andWhere(new Brackets((b) => b.where('u.name_key > :after', { after: after.key })
          .orWhere(new Brackets((tie) => tie.where('u.name_key = :after', { after: after.key }).andWhere('u.id > :afterId', { afterId: after.id ?? '' })))));
      }
      query.orderBy('u.name_key', 'ASC').addOrderBy('u.id', 'ASC');
    }
    if (filter.disabled !== undefined) query.andWhere('u.disabled = :disabled', { disabled: filter.disabled ? 1 : 0 });
    return query.limit(take).getMany();
  }

  private startsWith(query: SelectQueryBuilder<UserEntity>, column: string, prefix: string): void {
    query.andWhere(this.prefixSql(column), this.prefixParams(prefix));
  }

  /** Every condition on a NULL is unknown, so a missing email must be let through explicitly. */
  private lacksPrefix(where: WhereExpressionBuilder, column: string, prefix: string): void {
    where.where(`NOT ${this.prefixSql(column)}`, this.prefixParams(prefix));
  }

  private matchesPrefix(where: WhereExpressionBuilder, prefix: string, columns: string[]): void {
    for (const column of columns) where.orWhere(this.prefixSql(column), this.prefixParams(prefix));
  }

  /**
   * `column` starts with the prefix, in a form each database answers from the column's index: on
   * SQLite (binary UTF-8 order, which is code point order) the range [prefix, its successor); on
   * MySQL a LIKE 'prefix%', which the optimizer turns into a range in the column's collation.
   */
  private prefixSql(column: string): string {
    return this.isSqlite()
      ? `(u.${column} >= :prefixLow AND u.${column} < :prefixHigh)`
      : `(u.${column} LIKE :prefixLike ESCAPE '!')`;
  }

  private prefixParams(prefix: string): Record<string, string> {
    return this.isSqlite()
      ? { prefixLow: prefix, prefixHigh: successor(prefix) }
      : { prefixLike: `${prefix.replace(/[!%_]/g, '!$&')}%` };
  }

  private isSqlite(): boolean {
    return this.dataSource.options.type === 'better-sqlite3';
  }

  /** A unique index refusing the row becomes DuplicateUserRow. */
  private async uniquely<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (err) {
      if (isUniqueViolation(err)) throw new DuplicateUserRow();
      throw err;
    }
  }

  /** Rows changed, as each driver reports it (better-sqlite3 `changes`, mysql2 `affectedRows`). */
  private async execute(sql: string, params: unknown[]): Promise<number> {
    const runner = this.dataSource.createQueryRunner();
    try {
      return (await runner.query(sql, params, true)).affected ?? 0;
    } finally {
      await runner.release();
    }
  }
}

async function insertRoleRows(tx: EntityManager, user: Pick<UserEntity, 'id' | 'usernameKey'>, roles: string[]): Promise<void> {
  if (roles.length === 0) return;
  await tx.getRepository(UserRoleEntity).insert(roles.map((role) => ({ role, usernameKey: user.usernameKey, userId: user.id })));
}

/**
 * The first string after every string that starts with `prefix`, in code point order. The prefix
 * holds no control, unassigned or surrogate code points (DirectoryQuery), so U+10FFFF, which has no
 * successor, never ends it; a step onto the surrogates skips them, as UTF-8 has none.
 */
function successor(prefix: string): string {
  const points = [...prefix];
  const last = points.pop()!.codePointAt(0)! + 1;
  return points.join('') + String.fromCodePoint(last === 0xd800 ? 0xe000 : last);
}

function isUniqueViolation(err: unknown): boolean {
  const { code, driverError } = err as { code?: string; driverError?: { code?: string } };
  const codes = [code, driverError?.code];
  return codes.includes('SQLITE_CONSTRAINT_UNIQUE') || codes.includes('SQLITE_CONSTRAINT_PRIMARYKEY') || codes.includes('ER_DUP_ENTRY');
}
