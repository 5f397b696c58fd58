/**
 * The form a username or email is compared in: NFKC folds compatibility lookalikes (fullwidth
 * "ａｄｍｉｎ", ligatures, superscripts) into their plain letters, and lowercasing folds case, so two
 * names a person would read as the same collide on the unique index instead of becoming two accounts.
 */
export function loginKey(value: string): string {
  return value.trim().normalize('NFKC').toLowerCase().normalize('NFKC');
}
