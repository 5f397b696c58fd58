import { ConcurrencyGate } from '@tessera/abuse';
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { DEFAULT_LOCKOUT, LockoutPolicy } from './lockout.rule';
import { loginKey } from './login-key';
import { PasswordHasher } from './password-hasher';
import { UserEntity } from './user.entity';
import { DuplicateUserRow, UserRepository } from './user.repository';

export interface User {
  /** The `sub` claim. */
  id: string;
  username: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  roles: string[];
  /** Epoch milliseconds of the last change to the profile. */
  updatedAt: number;
}

export interface NewUser {
  username: string;
  password: string;
  email?: string;
  name?: string;
  roles?: string[];
}

export interface UsersOptions {
  /** Epoch milliseconds. */
  now?: () => number;
  lockout?: LockoutPolicy;
  /**
   * Bounds the argon2id work in flight (19 MiB each): every hash and every sign-in check runs
   * through it, and a full gate refuses with GateFull instead of queueing without end.
   */
  gate?: ConcurrencyGate;
}

/** What an administrator sees of an account's lockout. */
export interface LockoutStatus {
  /** Attempts counted since the last success, reset or unlock. */
  failures: number;
  /** Epoch milliseconds until which no password is checked, when that is in the future. */
  lockedUntil: number | null;
}

/** ARGON2_MAX_CONCURRENCY and ARGON2_MAX_QUEUE when not configured: two per CPU, 64 waiting. */
export const DEFAULT_ARGON2_LIMITS = { maxConcurrency: Math.min(availableParallelism() * 2, 256), maxQueue: 64 };

/** A value a new account may not have; the message says which and why, never repeating a password. */
export class InvalidUserInput extends Error {}
export class UserAlreadyExists extends Error {}

// NIST SP 800-63B §5.1.1.2: at least 8 characters; a generous maximum bounds the hashing work.
const PASSWORD_MIN = 8;
const PASSWORD_MAX = 1024;

/** The user directory: accounts and the one question asked of them, "is this the password?". */
export class Users {
  private readonly now: () => number;
  private readonly lockout: LockoutPolicy;
  private readonly gate: ConcurrencyGate;

  constructor(
    private readonly repository: UserRepository,
    private readonly hasher: PasswordHasher,
    options: UsersOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.lockout = options.lockout ?? DEFAULT_LOCKOUT;
    this.gate = options.gate ?? new ConcurrencyGate({ maxConcurrent: DEFAULT_ARGON2_LIMITS.maxConcurrency, maxQueue: DEFAULT_ARGON2_LIMITS.maxQueue });
  }

  async create(input: NewUser): Promise<User> {
    const username = input.username.trim();
    const usernameKey = loginKey(username);
    if (!usernameKey) throw new InvalidUserInput('the username is empty');
    if (usernameKey.length > 190) throw new InvalidUserInput('the username is longer than 190 characters');
    if (/[@\s\p{C}]/u.test(usernameKey)) throw new InvalidUserInput('the username may not contain @, spaces or control characters');
    const email = input.email?.trim() || null;
    const emailKey = email === null ? null : loginKey(email);
    if (emailKey !== null && (emailKey.length > 254 || !/^[^@\s]+@[^@\s]+$/u.test(emailKey))) {
      throw new InvalidUserInput('the email address is not valid');
    }
    const name = input.name?.trim() || null;
    if (name !== null && name.length > 200) throw new InvalidUserInput('the name is longer than 200 characters');
    if (input.password.length < PASSWORD_MIN || input.password.length > PASSWORD_MAX) {
      throw new InvalidUserInput(`the password must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters long`);
    }
    await this.refuseTaken(usernameKey, emailKey);

    const now = this.now();
    const entity = Object.assign(new UserEntity(), {
      id: randomUUID(),
      username,
      usernameKey,
      email,
      emailKey,
      emailVerified: false,
      name,
      passwordHash: await this.gate.run(() => this.hasher.hash(input.password)),
      roles: [...new Set(input.roles ?? [])],
      disabled: false,
      createdAt: now,
      updatedAt: now,
      failedCount: 0,
      lastFailureAt: null,
      lockedUntil: null,
    });
    try {
      await this.repository.insert(entity);
    } catch (err) {
      // Another writer took the name between the check above and this insert.
      if (err instanceof DuplicateUserRow) throw new UserAlreadyExists('a user with this username or email already exists');
      throw err;
    }
    return toUser(entity);
  }

  /**
   * The user whose login and password these are, or null. An unknown, disabled or locked account
   * costs the same argon2 verification as a wrong password, so neither the answer nor its timing
   * tells whether the account exists or is locked (OWASP Authentication Cheat Sheet,
   * "Authentication Responses"). A locked account's password is not checked at all: even the right
   * one is refused until the wait is over. Throws GateFull when too many checks are in flight.
   */
  verifyCredentials(login: string, password: string): Promise<User | null> {
    return this.gate.run(() => this.checkCredentials(login, password));
  }

  private async checkCredentials(login: string, password: string): Promise<User | null> {
    const entity = password.length > PASSWORD_MAX ? null : await this.repository.findByLogin(login);
    // Unknown logins are not counted: nothing is stored about names that have no account.
    if (!entity || entity.disabled || !(await this.repository.countAttempt(entity.id, this.now(), this.lockout))) {
      await this.hasher.verifyNothing(password.slice(0, PASSWORD_MAX));
      return null;
    }
    if (!(await this.hasher.verify(entity.passwordHash, password))) return null;
    await this.repository.clearFailures(entity.id);
    return toUser(entity);
  }

  /** Lifts a lockout and forgets the failures (for the admin console); false when there is no such user. */
  unlock(userId: string): Promise<boolean> {
    return this.repository.clearFailures(userId);
  }

  /** The account's failures and lock, or null when there is no such user. */
  async lockoutStatus(userId: string): Promise<LockoutStatus | null> {
    const state = await this.repository.findLockoutState(userId);
    if (!state) return null;
    const locked = state.lockedUntil !== null && state.lockedUntil > this.now();
    return { failures: state.failedCount, lockedUntil: locked ? state.lockedUntil : null };
  }

  isEmpty(): Promise<boolean> {
    return this.repository.isEmpty();
  }

  private async refuseTaken(usernameKey: string, emailKey: string | null): Promise<void> {
    if (await this.repository.findByUsernameKey(usernameKey)) {
      throw new UserAlreadyExists('a user with this username already exists');
    }
    if (emailKey !== null && (await this.repository.findByEmailKey(emailKey))) {
      throw new UserAlreadyExists('a user with this email address already exists');
    }
  }
}

function toUser(entity: UserEntity): User {
  return {
    id: entity.id,
    username: entity.username,
    email: entity.email,
    emailVerified: entity.emailVerified,
    name: entity.name,
    roles: entity.roles,
    updatedAt: entity.updatedAt,
  };
}
