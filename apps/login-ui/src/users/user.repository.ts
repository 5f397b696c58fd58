import { DataSource, Repository } from 'typeorm';
import { LockoutPolicy, lockoutSteps } from './lockout.rule';
import { loginKey } from './login-key';
import { UserEntity } from './user.entity';

/** A unique index refused the row: the username or the email is taken. */
export class DuplicateUserRow extends Error {}

export interface LockoutState {
  failedCount: number;
  lastFailureAt: number | null;
  lockedUntil: number | null;
}

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

  async insert(user: UserEntity): Promise<void> {
    try {
      await this.users.insert(user);
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

function isUniqueViolation(err: unknown): boolean {
  const { code, driverError } = err as { code?: string; driverError?: { code?: string } };
  const codes = [code, driverError?.code];
  return codes.includes('SQLITE_CONSTRAINT_UNIQUE') || codes.includes('SQLITE_CONSTRAINT_PRIMARYKEY') || codes.includes('ER_DUP_ENTRY');
}
