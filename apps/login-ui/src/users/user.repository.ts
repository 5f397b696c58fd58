import { DataSource, Repository } from 'typeorm';
import { loginKey } from './login-key';
import { UserEntity } from './user.entity';

/** A unique index refused the row: the username or the email is taken. */
export class DuplicateUserRow extends Error {}

export class UserRepository {
  private readonly users: Repository<UserEntity>;

  constructor(dataSource: DataSource) {
    this.users = dataSource.getRepository(UserEntity);
  }

  /** An email when the login has an @ (usernames may not), otherwise a username. */
  findByLogin(usernameOrEmail: string): Promise<UserEntity | null> {
    const key = loginKey(usernameOrEmail);
    return key.includes('@')
      ? this.users.findOneBy({ emailKey: key })
      : this.users.findOneBy({ usernameKey: key });
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

  async insert(user: UserEntity): Promise<void> {
    try {
      await this.users.insert(user);
    } catch (err) {
      if (isUniqueViolation(err)) throw new DuplicateUserRow();
      throw err;
    }
  }
}

function isUniqueViolation(err: unknown): boolean {
  const { code, driverError } = err as { code?: string; driverError?: { code?: string } };
  const codes = [code, driverError?.code];
  return codes.includes('SQLITE_CONSTRAINT_UNIQUE') || codes.includes('SQLITE_CONSTRAINT_PRIMARYKEY') || codes.includes('ER_DUP_ENTRY');
}
