import { AdminApiException, FieldProblem, invalidRequest } from './admin-api-error';

// Every input of the admin API is read by plain functions like these, which name each refused
// field (`fields` of AdminApiError) instead of stopping at the first.

/** Collects what is wrong with a request, then refuses it as a whole. */
export class Problems {
  private readonly list: FieldProblem[] = [];

  /** One problem per field: the first found is the one to fix first. */
  add(path: string, message: string): void {
    if (!this.list.some((problem) => problem.path === path)) this.list.push({ path, message });
  }

  /** Throws 400 invalid_request with every problem found, if there is one. */
  check(): void {
    if (this.list.length) throw invalidRequest(this.list);
  }
}

/** A JSON body must be an object; a route that takes none may pass `optional` and get `{}`. */
export function bodyObject(body: unknown, options: { optional?: boolean } = {}): Record<string, unknown> {
  if (body === undefined && options.optional) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest([{ path: 'body', message: 'must be a JSON object (Content-Type: application/json)' }]);
  }
  return body as Record<string, unknown>;
}

/** A member this API does not know is refused rather than ignored: a typo must not pass silently. */
export function refuseUnknown(input: Record<string, unknown>, known: readonly string[], problems: Problems): void {
  for (const name of Object.keys(input)) {
    if (!known.includes(name)) problems.add(name.slice(0, 64), 'is not a member this route accepts');
  }
}

/** An integer member in [min, max], or `fallback` when absent. */
export function integerIn(input: Record<string, unknown>, name: string, min: number, max: number, fallback: number, problems: Problems): number {
  const value = input[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    problems.add(name, `must be a whole number from ${min} to ${max}`);
    return fallback;
  }
  return value;
}

export interface PageRequest {
  limit: number;
  cursor?: string;
}

export const PAGE_LIMIT = { default: 50, max: 200 } as const;
const MAX_CURSOR_LENGTH = 512;
const MAX_QUERY_VALUE_LENGTH = 255;

/**
 * The query of a list route: `single` parameters at most once each, `repeatable` ones any number of
 * times (`?type=a&type=b`), plus `limit` (1–200, default 50) and `cursor` (contracts `Page`).
 * Anything else is refused.
 */
export function readListQuery<S extends string, R extends string = never>(
  query: unknown, single: readonly S[], repeatable: readonly R[] = [],
): { values: Partial<Record<S, string>>; lists: Record<R, string[]>; page: PageRequest; problems: Problems } {
  const problems = new Problems();
  const q = (typeof query === 'object' && query !== null ? query : {}) as Record<string, unknown>;
  const values: Partial<Record<S, string>> = {};
  const lists = Object.fromEntries(repeatable.map((name) => [name, [] as string[]])) as Record<R, string[]>;
  for (const [name, raw] of Object.entries(q)) {
    const all = Array.isArray(raw) ? raw : [raw];
    if (!all.every((v) => typeof v === 'string')) {
      problems.add(name.slice(0, 64), 'must be a string');
    } else if (name !== 'cursor' && all.some((v) => (v as string).length > MAX_QUERY_VALUE_LENGTH)) {
      problems.add(name.slice(0, 64), `may be at most ${MAX_QUERY_VALUE_LENGTH} characters`);
    } else if ((repeatable as readonly string[]).includes(name)) {
      lists[name as R] = all as string[];
    } else if ((single as readonly string[]).includes(name) || name === 'limit' || name === 'cursor') {
      if (all.length > 1) problems.add(name, 'may be given once');
      else if (name !== 'limit' && name !== 'cursor') values[name as S] = all[0] as string;
    } else {
      problems.add(name.slice(0, 64), 'is not a parameter of this list');
    }
  }
  return { values, lists, page: readPage(q, problems), problems };
}

function readPage(q: Record<string, unknown>, problems: Problems): PageRequest {
  const page: PageRequest = { limit: PAGE_LIMIT.default };
  const limit = q.limit;
  if (typeof limit === 'string') {
    if (/^\d{1,3}$/.test(limit) && Number(limit) >= 1 && Number(limit) <= PAGE_LIMIT.max) page.limit = Number(limit);
    else problems.add('limit', `must be a whole number from 1 to ${PAGE_LIMIT.max}`);
  }
  const cursor = q.cursor;
  if (typeof cursor === 'string') {
    if (cursor.length <= MAX_CURSOR_LENGTH && /^[A-Za-z0-9_-]+$/.test(cursor)) page.cursor = cursor;
    else problems.add('cursor', 'must be the next_cursor of an earlier page');
  }
  return page;
}

type CursorPart = 'string' | 'number';

/** An opaque cursor for keyset pagination: the sort key of the last item of a page. */
export function encodeCursor(parts: (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

/** The sort key a cursor of `encodeCursor` holds, checked against `shape`; 400 on anything else. */
export function decodeCursor<T extends (string | number)[]>(cursor: string, shape: readonly CursorPart[]): T {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parts = undefined;
  }
  if (!Array.isArray(parts) || parts.length !== shape.length || !parts.every((p, i) => typeof p === shape[i] && (typeof p !== 'number' || Number.isSafeInteger(p)))) {
    throw invalidCursor();
  }
  return parts as T;
}

export function invalidCursor(): AdminApiException {
  return invalidRequest([{ path: 'cursor', message: 'must be the next_cursor of an earlier page' }]);
}

/** A page of `limit` from `limit + 1` rows read: the extra one says whether another page follows. */
export function pageOf<Row, Item>(rows: Row[], limit: number, item: (row: Row) => Item, cursorOf: (row: Row) => (string | number)[]): { items: Item[]; next_cursor: string | null } {
  const shown = rows.slice(0, limit);
  return { items: shown.map(item), next_cursor: rows.length > limit ? encodeCursor(cursorOf(shown[shown.length - 1])) : null };
}
