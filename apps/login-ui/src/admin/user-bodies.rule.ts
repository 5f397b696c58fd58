import { FieldProblem, InvalidUserInput, PROFILE_CLAIM_NAMES } from '../users/account-fields.rule';
import type { DirectoryQuery, ProfileChanges } from '../users/users.service';

/** The admin API's bodies and queries for /users, read into typed input; anything else is a 400 with `fields`. */

/** A password an administrator sets: given (the policy applies), or made up and shown once. */
export type PasswordChoice = { password: string } | { generate: true };

export interface NewUserBody {
  username: string;
  password: PasswordChoice;
  roles: string[];
  profile: ProfileChanges;
}

const PROFILE_FIELDS = ['name', 'email', 'email_verified', ...PROFILE_CLAIM_NAMES] as const;
const MAX_STRING = 4096;
const LIST_LIMIT = { default: 50, min: 1, max: 200 };

export function readNewUser(body: unknown): NewUserBody {
  const fields = new Fields(body, ['username', 'password', 'generate', 'roles', ...PROFILE_FIELDS]);
  const username = fields.string('username', { required: true });
  const password = fields.passwordChoice();
  const roles = fields.has('roles') ? fields.roles() : [];
  const profile = fields.profile();
  return fields.done({ username: username!, password: password!, roles: roles!, profile });
}

export function readProfileChanges(body: unknown): ProfileChanges {
  const fields = new Fields(body, PROFILE_FIELDS);
  const profile = fields.profile();
  if (fields.problems.length === 0 && Object.keys(profile).length === 0) {
    fields.problems.push({ path: '', message: `the body names none of the fields that can change: ${PROFILE_FIELDS.join(', ')}` });
  }
  return fields.done(profile);
}

export function readRoles(body: unknown): string[] {
  const fields = new Fields(body, ['roles']);
  const roles = fields.roles();
  return fields.done(roles!);
}

export function readPasswordChoice(body: unknown): PasswordChoice {
  const fields = new Fields(body, ['password', 'generate']);
  const choice = fields.passwordChoice();
  return fields.done(choice!);
}

/** `?q=&disabled=&role=&limit=&cursor=`, each at most once. */
export function readListQuery(query: Record<string, unknown>): DirectoryQuery {
  const problems: FieldProblem[] = [];
  const single = (name: string): string | undefined => {
    const value = query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') problems.push({ path: name, message: `${name} must be given once` });
    else if (value.length > 1024) problems.push({ path: name, message: `${name} is too long` });
    else return value;
    return undefined;
  };
  for (const name of Object.keys(query)) {
    if (!['q', 'disabled', 'role', 'limit', 'cursor'].includes(name)) problems.push({ path: name, message: 'unknown query parameter' });
  }
  const q = single('q');
  const disabled = single('disabled');
  if (disabled !== undefined && disabled !== 'true' && disabled !== 'false') problems.push({ path: 'disabled', message: 'disabled must be true or false' });
  const role = single('role');
  const limitText = single('limit');
  const limit = limitText === undefined ? LIST_LIMIT.default : Number(limitText);
  if (!/^\d{1,3}$/.test(limitText ?? '50') || limit < LIST_LIMIT.min || limit > LIST_LIMIT.max) {
    problems.push({ path: 'limit', message: `limit must be a whole number from ${LIST_LIMIT.min} to ${LIST_LIMIT.max}` });
  }
  const cursor = single('cursor');
  if (problems.length > 0) throw new InvalidUserInput(problems);
  return {
    limit,
    ...(q !== undefined ? { q } : {}),
    ...(disabled !== undefined ? { disabled: disabled === 'true' } : {}),
    ...(role !== undefined ? { role } : {}),
    ...(cursor !== undefined ? { cursor } : {}),
  };
}

/** Reads one JSON object field by field, collecting every problem before refusing. */
class Fields {
  readonly problems: FieldProblem[] = [];
  private readonly object: Record<string, unknown>;
  private readonly notAnObject: boolean;

  constructor(body: unknown, allowed: readonly string[]) {
    this.notAnObject = typeof body !== 'object' || body === null || Array.isArray(body);
    if (this.notAnObject) {
      this.object = {};
      return;
    }
    this.object = body as Record<string, unknown>;
    for (const name of Object.keys(this.object)) {
      if (!allowed.includes(name)) this.problems.push({ path: name, message: name === 'username' ? 'the username cannot be changed' : 'unknown field' });
    }
  }

  has(name: string): boolean {
    return this.object[name] !== undefined;
  }

  string(name: string, options: { required?: boolean; nullable?: boolean } = {}): string | null | undefined {
    const value = this.object[name];
    if (value === undefined) {
      if (options.required) this.problems.push({ path: name, message: `${name} is required` });
      return undefined;
    }
    if (value === null && options.nullable) return null;
    if (typeof value !== 'string' || value.length > MAX_STRING) {
      this.problems.push({ path: name, message: `${name} must be a string${options.nullable ? ' or null' : ''}` });
      return undefined;
    }
    return value;
  }

  /** Exactly one of `password` (a string) and `generate: true`. */
  passwordChoice(): PasswordChoice | undefined {
    const generate = this.object.generate;
    if (generate !== undefined && generate !== true) {
      this.problems.push({ path: 'generate', message: 'generate must be true when given' });
      return undefined;
    }
    if (generate === true) {
      if (this.has('password')) this.problems.push({ path: 'password', message: 'give either password or generate: true, not both' });
      return { generate: true };
    }
    const password = this.string('password');
    if (password === undefined && !this.has('password')) this.problems.push({ path: 'password', message: 'password or generate: true is required' });
    return password === undefined || password === null ? undefined : { password };
  }

  roles(): string[] | undefined {
    const roles = this.object.roles;
    if (!Array.isArray(roles) || roles.length > 20 || !roles.every((r) => typeof r === 'string' && r.length > 0 && r.length <= 64)) {
      this.problems.push({ path: 'roles', message: 'roles must be an array of at most 20 role names' });
      return undefined;
    }
    return roles as string[];
  }

  /** The profile fields present in the body; null clears one. */
  profile(): ProfileChanges {
    const changes: ProfileChanges = {};
    for (const name of ['name', 'email', ...PROFILE_CLAIM_NAMES] as const) {
      const value = this.string(name, { nullable: true });
      if (value !== undefined) changes[name] = value;
    }
    const verified = this.object.email_verified;
    if (verified !== undefined) {
      if (typeof verified === 'boolean') changes.emailVerified = verified;
      else this.problems.push({ path: 'email_verified', message: 'email_verified must be a boolean' });
    }
    return changes;
  }

  done<T>(value: T): T {
    if (this.notAnObject) throw new InvalidUserInput([{ path: '', message: 'the body must be a JSON object' }]);
    if (this.problems.length > 0) throw new InvalidUserInput(this.problems);
    return value;
  }
}
