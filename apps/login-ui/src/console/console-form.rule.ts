import type { AdminApiError } from '@tessera/contracts';
import { AdminApiPageError } from './console-errors';

// The console's forms are plain HTML forms: every field arrives once, as a string
// (security/single-valued-form.ts refuses anything else), and what they mean is decided by the
// admin API, which names each refused field. These functions read the fields and put the API's
// refusals back next to them.

/** A submitted console form (or a page's query): field name → value. */
export type FormBody = Record<string, unknown>;

/** A text field's value; '' when absent or not a single string. */
export function textField(body: FormBody, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value : '';
}

/** A checkbox: HTML sends `on` for a ticked box without a value and nothing for an unticked one. */
export function checkboxField(body: FormBody, name: string): boolean {
  return body[name] === 'on';
}

/** A textarea of one value per line, without blank lines and surrounding spaces. */
export function lines(text: string): string[] {
  return text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');
}

/** What a form shows after the admin API refused it. */
export interface FormProblems {
  /** Form field → the API's message about it. */
  errors: Record<string, string>;
  /** Messages about no field of the form, shown above it. */
  general: string[];
  /** The first refused field in the form's order: it gets the focus, so a keyboard user starts there. */
  firstError?: string;
}

/**
 * Puts an admin API refusal (contracts AdminApiError) next to the form's fields: `fieldOf` names
 * the form field for a refused `fields[].path` (`redirect_uris[1]` → `redirect_uris`), or nothing
 * for a path the form has no field for, whose message goes above the form with the rest.
 *
 * @example
 * formProblems({ error: 'invalid_request', message: '…', fields: [{ path: 'password', message: 'too short' }] }, (p) => p, ['username', 'password'])
 * // { errors: { password: 'too short' }, general: [], firstError: 'password' }
 */
export function formProblems(refusal: AdminApiError, fieldOf: (path: string) => string | undefined, order: readonly string[]): FormProblems {
  const errors: Record<string, string> = {};
  const general: string[] = [];
  for (const { path, message } of refusal.fields ?? []) {
    const field = fieldOf(path);
    if (field === undefined) general.push(message);
    else errors[field] ??= message;
  }
  if (Object.keys(errors).length === 0 && general.length === 0) general.push(refusal.message);
  return { errors, general, firstError: order.find((field) => field in errors) };
}

/**
 * A refusal of a form's POST that the form itself shows, with the status to answer: refused input
 * (400) or a conflict such as a taken username (409). Anything else is rethrown, for the error page.
 */
export function refusedForm(
  err: unknown, fieldOf: (path: string) => string | undefined, order: readonly string[],
): FormProblems & { status: number } {
  if (err instanceof AdminApiPageError && (err.status === 400 || err.status === 409)) {
    return { ...formProblems(err.body, fieldOf, order), status: err.status };
  }
  throw err;
}

/** The member a refused path names, without an index or a nested member: `redirect_uris[1]` → `redirect_uris`. */
export function memberOf(path: string): string {
  return path.split(/[[.]/, 1)[0];
}
