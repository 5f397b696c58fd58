import { ConcurrencyGate, GateFull } from '@tessera/abuse';
import { randomBytes, randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import {
  Checked, checkEmail, checkPersonName, checkRoles, checkUsername, FieldProblem, InvalidUserInput, PROFILE_CLAIM_CHECKS,
  PROFILE_CLAIM_NAMES, ProfileClaims,
} from './account-fields.rule';
import { DEFAULT_LOCKOUT, LockoutPolicy, lockoutWaitSeconds } from './lockout.rule';
import { loginKey } from './login-key';
import { PasswordHasher } from './password-hasher';
import { PasswordPolicy, passwordPolicy, passwordProblem } from './password-policy';
import { UserEntity } from './user.entity';
import { DirectoryOrder, DirectoryPosition, DuplicateUserRow, ProfileColumns, UserRepository } from './user.repository';

export { InvalidUserInput } from './account-fields.rule';

export interface User {
  /** The `sub` claim. */
  id: string;
  username: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  /** The other OIDC profile claims the account has. */
  profile: ProfileClaims;
  roles: string[];
  /** Epoch milliseconds of the last change to the profile. */
  updatedAt: number;
}

/** An account as an administrator sees it. Never its password hash. */
export interface UserAccount extends User {
  disabled: boolean;
  /** Epoch milliseconds. */
  createdAt: number;
  lockout: LockoutStatus;
}

/** What a profile holds besides the username; absent fields are left as they are, null clears. */
export interface ProfileChanges extends Partial<Record<(typeof PROFILE_CLAIM_NAMES)[number], string | null>> {
  name?: string | null;
  email?: string | null;
  /** Left out when the email changes: a new address is not verified. */
  emailVerified?: boolean;
}

export interface NewUser extends ProfileChanges {
  username: string;
  password: string;
  roles?: string[];
}

/** A page of the directory, with where the next one starts (opaque to callers), or null. */
export interface DirectoryPage {
  users: UserAccount[];
  next: string | null;
}

export interface DirectoryQuery {
  /** Accounts whose username, email or name starts with this (any case). */
  q?: string;
  disabled?: boolean;
  role?: string;
  limit: number;
  /** `next` of the previous page. */
  cursor?: string;
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
  /** Applied wherever a password is set; PASSWORD_MIN_LENGTH and the bundled list by default. */
  passwordPolicy?: PasswordPolicy;
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

/** One decided sign-in, as the audit trail sees it; the person sees only whether `user` is there. */
export interface SignInAttempt {
  user: User | null;
  outcome: Exclude<SignInOutcome, 'unavailable'>;
  /** The `sub` of the account the login named, when there is one (never the login itself). */
  subject: string | null;
  /** Epoch ms, when this very attempt's wrong password started a lockout lasting until then. */
  lockStartedUntil: number | null;
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

export class UserAlreadyExists extends Error {}

// What a sign-in checks at most: above the policy's maximum, so that passwords set before it
// still work, and low enough to bound the hashing work of a hostile form.
const PASSWORD_MAX = 1024;

/** The user directory: accounts, what administrators change in them, and the question asked at every sign-in, "is this the password?". */
export class Users {
  private readonly now: () => number;
  private readonly lockout: LockoutPolicy;
  private readonly gate: ConcurrencyGate;
  private readonly events?: SignInEvents;
  private readonly passwordPolicy: PasswordPolicy;

  constructor(
    private readonly repository: UserRepository,
    private readonly hasher: PasswordHasher,
    options: UsersOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.lockout = options.lockout ?? DEFAULT_LOCKOUT;
    this.gate = options.gate ?? new ConcurrencyGate({ maxConcurrent: DEFAULT_ARGON2_LIMITS.maxConcurrency, maxQueue: DEFAULT_ARGON2_LIMITS.maxQueue });
    this.events = options.events;
    this.passwordPolicy = options.passwordPolicy ?? passwordPolicy();
  }

  async create(input: NewUser): Promise<UserAccount> {
    const problems: FieldProblem[] = [];
    const names = collect(problems, 'username', checkUsername(input.username));
    const profile = this.profileColumns(input, problems);
    const roles = collect(problems, 'roles', checkRoles(input.roles ?? []));
    if (names) this.refuseWeakPassword(input.password, { username: names.username, email: profile.email ?? null }, problems);
    if (!names || !roles || problems.length > 0) throw new InvalidUserInput(problems);
    await this.refuseTaken(names.usernameKey, profile.emailKey ?? null);

    const now = this.now();
    const entity = Object.assign(new UserEntity(), {
      id: randomUUID(),
      ...names,
      email: null,
      emailKey: null,
      emailVerified: false,
      name: null,
      nameKey: null,
      profile: null,
      ...profile,
      passwordHash: await this.gated(() => this.hasher.hash(input.password)),
      roles,
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
    return this.toAccount(entity);
  }

  /** The account, or null when there is no such user. */
  async findAccount(id: string): Promise<UserAccount | null> {
    const entity = await this.repository.findById(id);
    return entity && this.toAccount(entity);
  }

  /** Changes the profile claims named in `changes`; null when there is no such user. */
  async updateProfile(id: string, changes: ProfileChanges): Promise<UserAccount | null> {
    const entity = await this.repository.findById(id);
    if (!entity) return null;
    const problems: FieldProblem[] = [];
    const columns = this.profileColumns(changes, problems, entity);
    if (problems.length > 0) throw new InvalidUserInput(problems);
    if (columns.emailKey !== undefined && columns.emailKey !== entity.emailKey && columns.emailKey !== null) {
      await this.refuseTaken(null, columns.emailKey);
    }
    const changed: ProfileColumns = { ...columns, updatedAt: this.now() };
    try {
      if (!(await this.repository.updateProfile(id, changed))) return null;
    } catch (err) {
      if (err instanceof DuplicateUserRow) throw new UserAlreadyExists('a user with this email address already exists');
      throw err;
    }
    return this.toAccount(Object.assign(entity, changed));
  }

  /** Replaces the account's roles (known roles only); null when there is no such user. */
  async setRoles(id: string, roles: string[]): Promise<UserAccount | null> {
    const problems: FieldProblem[] = [];
    const known = collect(problems, 'roles', checkRoles(roles));
    if (!known) throw new InvalidUserInput(problems);
    const entity = await this.repository.findById(id);
    if (!entity || !(await this.repository.replaceRoles(entity, known))) return null;
    return this.toAccount(Object.assign(entity, { roles: known }));
  }

  /**
   * A disabled account cannot sign in (verifyCredentials refuses it like a wrong password); what it
   * already holds at the token service is revoked by the caller. Null when there is no such user.
   */
  async setDisabled(id: string, disabled: boolean): Promise<UserAccount | null> {
    if (!(await this.repository.setDisabled(id, disabled))) return null;
    return this.findAccount(id);
  }

  /**
   * Sets a new password (the policy applies) and forgets the lockout; the old one is neither
   * needed nor kept. Null when there is no such user.
   */
  async resetPassword(id: string, password: string): Promise<UserAccount | null> {
    const entity = await this.repository.findById(id);
    if (!entity) return null;
    const problems: FieldProblem[] = [];
    this.refuseWeakPassword(password, entity, problems);
    if (problems.length > 0) throw new InvalidUserInput(problems);
    const passwordHash = await this.gated(() => this.hasher.hash(password));
    if (!(await this.repository.replacePasswordHash(id, passwordHash))) return null;
    return this.findAccount(id);
  }

  /**
   * A random password that passes the policy, for an administrator to hand over once: 144 bits
   * (or more, if PASSWORD_MIN_LENGTH asks for more characters), in base64url.
   */
  generatePassword(): string {
    const characters = Math.max(24, this.passwordPolicy.minLength);
    return randomBytes(Math.ceil((characters * 3) / 4)).toString('base64url').slice(0, characters);
  }

  /**
   * A page of the directory, in username order; with `q`, the accounts whose username starts with
   * it, then those matched by email, then by name. Each page is a few index range reads
   * (UserRepository.listPage), however large the directory.
   */
  async listAccounts(query: DirectoryQuery): Promise<DirectoryPage> {
    const prefix = query.q === undefined ? '' : loginKey(query.q);
    // The prefix search reads ranges up to the prefix's successor (UserRepository), which needs
    // assigned, non-control code points; no name, username or email holds others anyway.
    if (prefix.length > 254 || /\p{C}/u.test(prefix)) {
      throw new InvalidUserInput([{ path: 'q', message: 'q must be at most 254 characters, without control characters' }]);
    }
    const filter = { prefix: prefix || undefined, disabled: query.disabled, role: query.role };
    const orders: DirectoryOrder[] = filter.prefix !== undefined && filter.role === undefined ? ['username', 'email', 'name'] : ['username'];
    const start = query.cursor === undefined ? { order: orders[0], after: null } : readCursor(query.cursor, orders);
    const found: UserEntity[] = [];
    const page = (next: string | null): DirectoryPage => ({ users: found.map((entity) => this.toAccount(entity)), next });
    for (let i = orders.indexOf(start.order); i < orders.length; i++) {
      const order = orders[i];
      const wanted = query.limit - found.length;
      // One row more than the page needs tells whether this order goes on.
      const rows = await this.repository.listPage(order, filter, order === start.order ? start.after : null, wanted + 1);
      found.push(...rows.slice(0, wanted));
      if (rows.length > wanted) return page(writeCursor(order, positionOf(order, found[found.length - 1])));
      if (found.length < query.limit) continue;
      // Full at the end of this order: the next page starts with the next order that has a match.
      for (const later of orders.slice(i + 1)) {
        if ((await this.repository.listPage(later, filter, null, 1)).length > 0) return page(writeCursor(later, null));
      }
      break;
    }
    return page(null);
  }

  /**
   * The user whose login and password these are, or null. An unknown, disabled or locked account
   * costs the same argon2 verification as a wrong password, so neither the answer nor its timing
   * tells whether the account exists or is locked (OWASP Authentication Cheat Sheet,
   * "Authentication Responses"). A locked account's password is not checked at all: even the right
   * one is refused until the wait is over. Throws GateFull when too many checks are in flight.
   */
  async verifyCredentials(login: string, password: string): Promise<User | null> {
    return (await this.attemptSignIn(login, password)).user;
  }

  /** verifyCredentials, answering how the attempt was decided too (for the audit trail). */
  async attemptSignIn(login: string, password: string): Promise<SignInAttempt> {
    let attempt: SignInAttempt;
    try {
      attempt = await this.gated(() => this.checkCredentials(login, password));
    } catch (err) {
      this.events?.signIn('unavailable');
      throw err;
    }
    this.events?.signIn(attempt.outcome);
    return attempt;
  }

  private async checkCredentials(login: string, password: string): Promise<SignInAttempt> {
    const tooLong = password.length > PASSWORD_MAX;
    const entity = tooLong ? null : await this.repository.findByLogin(login);
    const now = this.now();
    // Unknown logins are not counted: nothing is stored about names that have no account.
    if (!entity) return this.refuseUnchecked(password, tooLong ? 'bad_credentials' : 'unknown_account', null);
    if (entity.disabled) return this.refuseUnchecked(password, 'disabled', entity.id);
    if (!(await this.repository.countAttempt(entity.id, now, this.lockout))) return this.refuseUnchecked(password, 'locked', entity.id);
    if (!(await this.hasher.verify(entity.passwordHash, password))) {
      return { user: null, outcome: 'bad_credentials', subject: entity.id, lockStartedUntil: await this.reportLock(entity.id, now) };
    }
    await this.repository.clearFailures(entity.id);
    return { user: toUser(entity), outcome: 'success', subject: entity.id, lockStartedUntil: null };
  }

  /** Refuses without checking the password, after the same argon2 work a check would cost. */
  private async refuseUnchecked(password: string, outcome: SignInAttempt['outcome'], subject: string | null): Promise<SignInAttempt> {
    await this.hasher.verifyNothing(password.slice(0, PASSWORD_MAX));
    return { user: null, outcome, subject, lockStartedUntil: null };
  }

  /**
   * The attempt was counted before its password was checked, so the lock it may have set stands
   * only now that the password proved wrong (a right one clears it). One primary-key read. Answers
   * the lock when this attempt started it: while an account waits no attempt is counted, so the
   * stored count is the one of the attempt that set the lock, and that lock ends at its own `now`
   * plus the wait for that count; attempts racing with it see the same lock with another `now`.
   */
  private async reportLock(userId: string, now: number): Promise<number | null> {
    const state = await this.repository.findLockoutState(userId);
    if (state?.lockedUntil == null || state.lockedUntil <= now) return null;
    this.events?.lockedOut(userId, state.lockedUntil);
    return state.lockedUntil === now + lockoutWaitSeconds(state.failedCount, this.lockout) * 1000 ? state.lockedUntil : null;
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

  private async refuseTaken(usernameKey: string | null, emailKey: string | null): Promise<void> {
    if (usernameKey !== null && (await this.repository.findByUsernameKey(usernameKey))) {
      throw new UserAlreadyExists('a user with this username already exists');
    }
    if (emailKey !== null && (await this.repository.findByEmailKey(emailKey))) {
      throw new UserAlreadyExists('a user with this email address already exists');
    }
  }

  private refuseWeakPassword(password: string, owner: { username: string; email?: string | null }, problems: FieldProblem[]): void {
    const problem = passwordProblem(password, owner, this.passwordPolicy);
    if (problem) problems.push({ path: 'password', message: problem });
  }

  /**
   * The columns for the profile fields named in `changes`, checked and normalised; a field left
   * out stays as it is. A new email address is unverified unless `emailVerified` says otherwise.
   */
  private profileColumns(changes: ProfileChanges, problems: FieldProblem[], current?: UserEntity): ProfileColumns {
    const columns: ProfileColumns = {};
    if (changes.name !== undefined) {
      const name = collect(problems, 'name', checkPersonName(changes.name, 'name', 200));
      if (name !== undefined) Object.assign(columns, { name, nameKey: name === null ? null : loginKey(name) });
    }
    if (changes.email !== undefined) {
      const email = collect(problems, 'email', checkEmail(changes.email));
      if (email !== undefined) {
        Object.assign(columns, { email: email?.email ?? null, emailKey: email?.emailKey ?? null });
        if (email?.emailKey !== current?.emailKey) columns.emailVerified = false;
      }
    }
    if (changes.emailVerified !== undefined) columns.emailVerified = changes.emailVerified;
    const named = PROFILE_CLAIM_NAMES.filter((claim) => changes[claim] !== undefined);
    if (named.length > 0) {
      const profile: ProfileClaims = { ...current?.profile };
      for (const claim of named) {
        const value = collect(problems, claim, PROFILE_CLAIM_CHECKS[claim](changes[claim] ?? null));
        if (value === null) delete profile[claim];
        else if (value !== undefined) profile[claim] = value;
      }
      columns.profile = Object.keys(profile).length > 0 ? profile : null;
    }
    return columns;
  }

  private toAccount(entity: UserEntity): UserAccount {
    const locked = entity.lockedUntil !== null && entity.lockedUntil > this.now();
    return {
      ...toUser(entity),
      disabled: entity.disabled,
      createdAt: entity.createdAt,
      lockout: { failures: entity.failedCount, lockedUntil: locked ? entity.lockedUntil : null },
    };
  }
}

function toUser(entity: UserEntity): User {
  return {
    id: entity.id,
    username: entity.username,
    email: entity.email,
    emailVerified: entity.emailVerified,
    name: entity.name,
    profile: entity.profile ?? {},
    roles: entity.roles,
    updatedAt: entity.updatedAt,
  };
}

/** The value of a field that passed its check; otherwise the problem is noted and undefined answered. */
function collect<T>(problems: FieldProblem[], path: string, checked: Checked<T>): T | undefined {
  if (checked.problem !== undefined) problems.push({ path, message: checked.problem });
  return checked.value;
}

function positionOf(order: DirectoryOrder, entity: UserEntity): DirectoryPosition {
  if (order === 'email') return { key: entity.emailKey! };
  if (order === 'name') return { key: entity.nameKey!, id: entity.id };
  return { key: entity.usernameKey };
}

// A cursor is base64url JSON of the order a page stopped in and the last key it listed there:
// opaque to clients (contracts Page<T>), checked on the way back in like any other input.
function writeCursor(order: DirectoryOrder, after: DirectoryPosition | null): string {
  return Buffer.from(JSON.stringify({ o: order, k: after?.key ?? null, ...(after?.id ? { i: after.id } : {}) })).toString('base64url');
}

function readCursor(cursor: string, orders: DirectoryOrder[]): { order: DirectoryOrder; after: DirectoryPosition | null } {
  let parsed: { o?: unknown; k?: unknown; i?: unknown } | null = null;
  try {
    parsed = cursor.length <= 1024 ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) : null;
  } catch {
    parsed = null;
  }
  const order = parsed?.o as DirectoryOrder;
  const { k: key, i: id } = parsed ?? {};
  const valid = typeof parsed === 'object' && parsed !== null && orders.includes(order)
    && (key === null || (typeof key === 'string' && key.length <= 254))
    && (id === undefined || (typeof id === 'string' && id.length <= 36));
  if (!valid) throw new InvalidUserInput([{ path: 'cursor', message: 'the cursor does not belong to this list' }]);
  return { order, after: key === null ? null : { key: key as string, ...(id !== undefined ? { id: id as string } : {}) } };
}
