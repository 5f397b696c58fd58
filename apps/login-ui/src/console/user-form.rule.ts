import { ADMIN_ROLE, type AdminUser } from '@tessera/contracts';
import { checkboxField, FormBody, memberOf, textField } from './console-form.rule';

/** The fields of the new-user form, in the order a keyboard reaches them. */
export const NEW_USER_FIELDS = ['username', 'name', 'email', 'password', 'generate', 'admin'] as const;

/** The new-user form as typed; the password is never sent back into a page. */
export interface NewUserForm {
  username: string;
  name: string;
  email: string;
  password: string;
  /** Let Tessera make up a password, shown once. */
  generate: boolean;
  /** Give the admin role. */
  admin: boolean;
}

export function readNewUserForm(body: FormBody): NewUserForm {
  return {
    username: textField(body, 'username').trim(),
    name: textField(body, 'name').trim(),
    email: textField(body, 'email').trim(),
    password: textField(body, 'password'),
    generate: checkboxField(body, 'generate'),
    admin: checkboxField(body, 'admin'),
  };
}

/**
 * `POST /users`. A typed password goes as it is (the policy is the directory's to apply); with
 * "generate" ticked and a password typed as well, both go, and the API says which one to give.
 */
export function newUserBody(form: NewUserForm): Record<string, unknown> {
  return {
    username: form.username,
    ...(form.password !== '' || !form.generate ? { password: form.password } : {}),
    ...(form.generate ? { generate: true } : {}),
    ...(form.name === '' ? {} : { name: form.name }),
    ...(form.email === '' ? {} : { email: form.email }),
    roles: form.admin ? [ADMIN_ROLE] : [],
  };
}

/** The profile claims an administrator edits (OIDC Core §5.1), in form order; the username never changes. */
export const PROFILE_TEXT_FIELDS = ['name', 'given_name', 'family_name', 'email', 'picture', 'locale', 'zoneinfo'] as const;
export const PROFILE_FIELDS = [...PROFILE_TEXT_FIELDS, 'email_verified'] as const;

export type ProfileForm = Record<(typeof PROFILE_TEXT_FIELDS)[number], string> & { email_verified: boolean };

export function readProfileForm(body: FormBody): ProfileForm {
  return profileForm((name) => textField(body, name).trim(), checkboxField(body, 'email_verified'));
}

export function profileFormOf(user: AdminUser): ProfileForm {
  return profileForm((name) => user[name] ?? '', user.email_verified);
}

function profileForm(text: (name: (typeof PROFILE_TEXT_FIELDS)[number]) => string, emailVerified: boolean): ProfileForm {
  const texts = Object.fromEntries(PROFILE_TEXT_FIELDS.map((name) => [name, text(name)]));
  return { ...texts, email_verified: emailVerified } as ProfileForm;
}

/**
 * `PATCH /users/{id}`: the claims that differ from the account's, an emptied one as null (cleared).
 * `email_verified` goes only when its box was changed: the directory makes a new address unverified,
 * and a box left ticked from the old address must not vouch for the new one.
 */
export function profileChanges(form: ProfileForm, current: AdminUser): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const name of PROFILE_TEXT_FIELDS) {
    if (form[name] !== (current[name] ?? '')) changes[name] = form[name] === '' ? null : form[name];
  }
  if (form.email_verified !== current.email_verified) changes.email_verified = form.email_verified;
  return changes;
}

/** `PUT /users/{id}/roles`: the admin checkbox decides the admin role; other roles the person holds stay. */
export function rolesWith(current: readonly string[], admin: boolean): string[] {
  const others = current.filter((role) => role !== ADMIN_ROLE);
  return admin ? [...others, ADMIN_ROLE] : others;
}

/** The form field a refused member of the users API belongs to, among `fields`; others go above the form. */
export function userFieldOf(fields: readonly string[]): (path: string) => string | undefined {
  return (path) => {
    const member = memberOf(path);
    if (member === 'roles') return fields.includes('admin') ? 'admin' : undefined;
    return fields.includes(member) ? member : undefined;
  };
}

/** Whether the account is locked out now (contracts AdminUser `locked_until`). */
export function isLocked(user: Pick<AdminUser, 'locked_until'>, now: number): boolean {
  return user.locked_until !== null && user.locked_until > now;
}
