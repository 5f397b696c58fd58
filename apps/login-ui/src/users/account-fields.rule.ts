import { ADMIN_ROLE } from '@tessera/contracts';
import { loginKey } from './login-key';

/**
 * The profile claims kept beside name and email, by their OIDC Core §5.1 names: released in the ID
 * token and userinfo under the `profile` scope (§5.4), like name and preferred_username.
 */
export interface ProfileClaims {
  given_name?: string;
  family_name?: string;
  /** An https URL of the person's picture. */
  picture?: string;
  /** A BCP 47 language tag, e.g. `en-GB` (§5.1 `locale`). */
  locale?: string;
  /** An IANA time zone, e.g. `Europe/Paris` (§5.1 `zoneinfo`). */
  zoneinfo?: string;
}

export const PROFILE_CLAIM_NAMES = ['given_name', 'family_name', 'picture', 'locale', 'zoneinfo'] as const;

/**
 * Roles a person can hold. A closed list, not free text: a role travels into admin access tokens
 * and a misspelt one would silently grant nothing. A new role is added here, with what it allows.
 */
export const KNOWN_ROLES: readonly string[] = [ADMIN_ROLE];

/** A field that was refused, and why; `path` names it as the admin API's body does. */
export interface FieldProblem {
  path: string;
  message: string;
}

/** Values an account may not have; the message says which and why, never repeating a password. */
export class InvalidUserInput extends Error {
  constructor(readonly problems: FieldProblem[]) {
    super(problems.map((p) => p.message).join('; '));
    this.name = 'InvalidUserInput';
  }
}

/** A field's accepted value (trimmed, canonical; null when cleared), or why it is refused. */
export type Checked<T> = { value: T; problem?: undefined } | { value?: undefined; problem: string };

const CONTROL = /\p{Cc}/u;

export function checkUsername(username: string): Checked<{ username: string; usernameKey: string }> {
  const trimmed = username.trim();
  const key = loginKey(trimmed);
  if (!key) return { problem: 'the username is empty' };
  if (key.length > 190) return { problem: 'the username is longer than 190 characters' };
  if (/[@\s\p{C}]/u.test(key)) return { problem: 'the username may not contain @, spaces or control characters' };
  return { value: { username: trimmed, usernameKey: key } };
}

export function checkEmail(email: string | null): Checked<{ email: string; emailKey: string } | null> {
  const trimmed = email?.trim();
  if (!trimmed) return { value: null };
  const key = loginKey(trimmed);
  if (key.length > 254 || !/^[^@\s]+@[^@\s]+$/u.test(key)) return { problem: 'the email address is not valid' };
  return { value: { email: trimmed, emailKey: key } };
}

/** `name`, `given_name`, `family_name`: display text. */
export function checkPersonName(value: string | null, label: string, maxLength: number): Checked<string | null> {
  const trimmed = value?.trim();
  if (!trimmed) return { value: null };
  if (trimmed.length > maxLength) return { problem: `the ${label} is longer than ${maxLength} characters` };
  if (CONTROL.test(trimmed)) return { problem: `the ${label} may not contain control characters` };
  return { value: trimmed };
}

export function checkPicture(value: string | null): Checked<string | null> {
  const trimmed = value?.trim();
  if (!trimmed) return { value: null };
  let url: URL | undefined;
  try {
    url = new URL(trimmed);
  } catch {
    url = undefined;
  }
  // Partners put it in an <img src>: only https, so that no page of theirs mixes in plain http.
  if (!url || url.protocol !== 'https:' || trimmed.length > 2048 || url.username || url.password) {
    return { problem: 'the picture must be an https URL of at most 2048 characters' };
  }
  return { value: url.href };
}

export function checkLocale(value: string | null): Checked<string | null> {
  const trimmed = value?.trim();
  if (!trimmed) return { value: null };
  try {
    const [canonical] = trimmed.length <= 35 && !trimmed.includes(',') ? Intl.getCanonicalLocales(trimmed) : [];
    if (canonical) return { value: canonical };
  } catch {
    // not a BCP 47 tag
  }
  return { problem: 'the locale must be a BCP 47 language tag such as en-GB' };
}

export function checkZoneinfo(value: string | null): Checked<string | null> {
  const trimmed = value?.trim();
  if (!trimmed) return { value: null };
  // An IANA zone name (§5.1 `zoneinfo`), not an offset: Intl would accept "+01:00" too.
  if (trimmed.length <= 64 && /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(trimmed)) {
    try {
      return { value: new Intl.DateTimeFormat('en', { timeZone: trimmed }).resolvedOptions().timeZone };
    } catch {
      // unknown zone
    }
  }
  return { problem: 'the zoneinfo must be an IANA time zone such as Europe/Paris' };
}

export function checkRoles(roles: readonly string[]): Checked<string[]> {
  const unknown = roles.filter((role) => !KNOWN_ROLES.includes(role));
  if (unknown.length > 0) return { problem: `unknown role "${unknown[0]}"; the known roles are: ${KNOWN_ROLES.join(', ')}` };
  return { value: [...new Set(roles)] };
}

/** The profile claims' own checks, by claim name. */
export const PROFILE_CLAIM_CHECKS: Record<(typeof PROFILE_CLAIM_NAMES)[number], (value: string | null) => Checked<string | null>> = {
  given_name: (v) => checkPersonName(v, 'given name', 100),
  family_name: (v) => checkPersonName(v, 'family name', 100),
  picture: checkPicture,
  locale: checkLocale,
  zoneinfo: checkZoneinfo,
};
