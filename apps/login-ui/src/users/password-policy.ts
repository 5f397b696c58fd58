import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What a new password must be (NIST SP 800-63B §5.1.1.2, "memorized secret verifiers"): long enough,
 * not absurdly long, not one of the passwords attackers try first, and not the account's own name.
 * No composition rules (digits, symbols) and no expiry: the guideline advises against both.
 */
export interface PasswordPolicy {
  /** PASSWORD_MIN_LENGTH, in characters (Unicode code points, as §5.1.1.2 counts them). */
  minLength: number;
  /** True when the password is on the list of common or breached passwords. */
  isCommon(password: string): boolean;
}

/** Whose password it is: a password equal to either is refused. */
export interface PasswordOwner {
  username: string;
  email?: string | null;
}

/** PASSWORD_MIN_LENGTH: at least 8, as §5.1.1.2 requires of every memorized secret; 12 unless configured. */
export const PASSWORD_MIN_LENGTH = { default: 12, min: 8, max: 64 };
/** An upper bound on the argon2id input: §5.1.1.2 asks for at least 64 allowed characters. */
export const PASSWORD_MAX_LENGTH = 256;

/**
 * The first reason `password` may not be set for `owner`, as a sentence about "the password"
 * (never repeating it), or null when it is acceptable.
 */
export function passwordProblem(password: string, owner: PasswordOwner, policy: PasswordPolicy): string | null {
  const length = [...password].length;
  if (length < policy.minLength) return `the password must be at least ${policy.minLength} characters long`;
  if (length > PASSWORD_MAX_LENGTH) return `the password must be at most ${PASSWORD_MAX_LENGTH} characters long`;
  const folded = password.toLowerCase();
  if (folded === owner.username.trim().toLowerCase()) return 'the password may not be the username';
  if (owner.email && folded === owner.email.trim().toLowerCase()) return 'the password may not be the email address';
  if (policy.isCommon(password)) return 'the password is one of the most common passwords; choose another';
  return null;
}

// Next to src/ in the repository; in dist/ the build copies it to the same place (nest-cli.json
// assets, for the login UI and for the CLI, which compiles these sources into its own folder).
const COMMON_PASSWORDS_FILE = join(__dirname, '..', '..', 'assets', 'common-passwords.txt');

let commonPasswords: ReadonlySet<string> | undefined;

/**
 * The bundled list of 49,233 common passwords (apps/login-ui/assets/common-passwords.NOTICE), read
 * once per process into a Set; matched case-insensitively, as the list is lower case.
 */
export function bundledCommonPasswords(): ReadonlySet<string> {
  commonPasswords ??= new Set(readFileSync(COMMON_PASSWORDS_FILE, 'utf8').split('\n').map((line) => line.trim().toLowerCase()).filter(Boolean));
  return commonPasswords;
}

/** The policy with the bundled list; the list is read on first use. */
export function passwordPolicy(minLength: number = PASSWORD_MIN_LENGTH.default): PasswordPolicy {
  return { minLength, isCommon: (password) => bundledCommonPasswords().has(password.toLowerCase()) };
}
