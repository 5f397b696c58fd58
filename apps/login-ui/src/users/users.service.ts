import { ConcurrencyGate, GateFull } from '@tessera/abuse';
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
  /** Told what became of each sign-in, for the metrics; the person's answer does not depend on it. */
  events?: SignInEvents;
}

/**
 * How a sign-in ended, as the directory tells them apart. The person sees one page for every
 * refusal but `unavailable`; only the operator's metrics see the difference.
 */
export type SignInOutcome = 'success' | 'bad_credentials' | 'unknown_account' | 'locked' | 'disabled' | 'unavailable';

export const SIGN_IN_OUTCOMES: readonly SignInOutcome[] = ['success', 'bad_credentials', 'unknown_account', 'locked', 'disabled', 'unavailable'];

export interface SignInEvents {
  /** Once per `verifyCredentials` call. `unavailable`: it could not be decided (argon2 gate full, database error). */
  signIn(outcome: SignInOutcome): void;
  /**
   * A wrong password left the account locked until `lockedUntil` (epoch ms). Attempts racing on
   * one account may each see the same lock, so the receiver counts a (user, lockedUntil) once.
   */
  lockedOut(userId: string, lockedUntil: number): void;
  /** The argon2 gate and its queue were full: a sign-in or a new account's hash was refused. */
  gateFull(): void;
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
  private readonly events?: SignInEvents;

  constructor(
    private readonly repository: UserRepository,
    private readonly hasher: PasswordHasher,
    options: UsersOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.lockout = options.lockout ?? DEFAULT_LOCKOUT;
    this.gate = options.gate ?? new ConcurrencyGate({ maxConcurrent: DEFAULT_ARGON2_LIMITS.maxConcurrency, maxQueue: DEFAULT_ARGON2_LIMITS.maxQueue });
    this.events = options.events;
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
      passwordHash: await this.gated(() => this.hasher.hash(input.password)),
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
  async verifyCredentials(login: string, password: string): Promise<User | null> {
    let checked: { user: User | null; outcome: SignInOutcome };
    try {
      checked = await this.gated(() => this.checkCredentials(login, password));
    } catch (err) {
      this.events?.signIn('unavailable');
      throw err;
    }
    this.events?.signIn(checked.outcome);
    return checked.user;
  }

  private async checkCredentials(login: string, password: string): Promise<{ user: User | null; outcome: SignInOutcome }> {
    const tooLong = password.length > PASSWORD_MAX;
    const entity = tooLong ? null : await this.repository.findByLogin(login);
    const now = this.now();
    // Unknown logins are not counted: nothing is stored about names that have no account.
    if (!entity) return this.refuseUnchecked(password, tooLong ? 'bad_credentials' : 'unknown_account');
    if (entity.disabled) return this.refuseUnchecked(password, 'disabled');
    if (!(await this.repository.countAttempt(entity.id, now, this.lockout))) return this.refuseUnchecked(password, 'locked');
    if (!(await this.hasher.verify(entity.passwordHash, password))) {
      await this.reportLock(entity.id, now);
      return { user: null, outcome: 'bad_credentials' };
    }
    await this.repository.clearFailures(entity.id);
    return { user: toUser(entity), outcome: 'success' };
  }

  /** Refuses without checking the password, after the same argon2 work a check would cost. */
  private async refuseUnchecked(password: string, outcome: SignInOutcome): Promise<{ user: null; outcome: SignInOutcome }> {
    await this.hasher.verifyNothing(password.slice(0, PASSWORD_MAX));
    return { user: null, outcome };
  }

  /**
   * The attempt was counted before its password was checked, so the lock it may have set stands
   * only now that the password proved wrong (a right one clears it). One primary-key read, made
   * only when someone listens.
   */
  private async reportLock(userId: string, now: number): Promise<void> {
    if (!this.events) return;
    const state = await this.repository.findLockoutState(userId);
    if (state?.lockedUntil != null && state.lockedUntil > now) this.events.lockedOut(userId, state.lockedUntil);
  }

  private async gated<T>(task: () => Promise<T>): Promise<T> {
    try {
      return await this.gate.run(task);
    } catch (err) {
      if (err instanceof GateFull) this.events?.gateFull();
      throw err;
    }
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
