import { AdminApiException } from './admin-api-error';
import { bodyObject, decodeCursor, encodeCursor, integerIn, pageOf, Problems, readListQuery, refuseUnknown } from './admin-input.rule';

const fieldsOf = (run: () => unknown): string[] => {
  try {
    run();
  } catch (err) {
    if (err instanceof AdminApiException) return (err.toJSON().fields ?? []).map((f) => f.path);
    throw err;
  }
  return [];
};

describe('admin API input rules', () => {
  describe('readListQuery', () => {
    it.each<[string, Record<string, unknown>, { values?: Record<string, string>; lists?: Record<string, string[]>; limit?: number; cursor?: string; refused?: string[] }]>([
      ['defaults', {}, { values: {}, lists: { type: [] }, limit: 50 }],
      ['known parameters', { q: 'abc', limit: '200', cursor: 'abc_-1' }, { values: { q: 'abc' }, limit: 200, cursor: 'abc_-1' }],
      ['a repeatable parameter given twice', { type: ['a', 'b'] }, { lists: { type: ['a', 'b'] } }],
      ['a repeatable parameter given once', { type: 'a' }, { lists: { type: ['a'] } }],
      ['an unknown parameter', { sort: 'name' }, { refused: ['sort'] }],
      ['a single parameter twice', { q: ['a', 'b'] }, { refused: ['q'] }],
      ['limit 0, 201, 1.5, -1, x', { limit: '0' }, { refused: ['limit'] }],
      ['limit over the maximum', { limit: '201' }, { refused: ['limit'] }],
      ['limit not a whole number', { limit: '1.5' }, { refused: ['limit'] }],
      ['a cursor outside base64url', { cursor: 'a+b' }, { refused: ['cursor'] }],
      ['a cursor too long', { cursor: 'a'.repeat(513) }, { refused: ['cursor'] }],
      ['a value too long', { q: 'a'.repeat(256) }, { refused: ['q'] }],
      ['a nested value', { q: { x: '1' } }, { refused: ['q'] }],
    ])('%s', (_case, query, expected) => {
      const read = readListQuery(query, ['q'], ['type']);
      expect(fieldsOf(() => read.problems.check())).toEqual(expected.refused ?? []);
      if (expected.refused) return;
      if (expected.values) expect(read.values).toEqual(expected.values);
      if (expected.lists) expect(read.lists).toEqual(expected.lists);
      expect(read.page).toEqual({ limit: expected.limit ?? 50, ...(expected.cursor ? { cursor: expected.cursor } : {}) });
    });
  });

  describe('cursors', () => {
    it('round-trips a sort key', () => {
      expect(decodeCursor(encodeCursor([1700000000000, 'id-1']), ['number', 'string'])).toEqual([1700000000000, 'id-1']);
    });

    it.each<[string, string]>([
      ['not JSON', Buffer.from('nope').toString('base64url')],
      ['the wrong shape', encodeCursor(['a', 'b'])],
      ['too few parts', encodeCursor([1])],
      ['an unsafe number', Buffer.from('[1e300,"x"]').toString('base64url')],
      ['an object', Buffer.from('{"a":1}').toString('base64url')],
    ])('refuses %s with a 400 naming the cursor', (_case, cursor) => {
      expect(fieldsOf(() => decodeCursor(cursor, ['number', 'string']))).toEqual(['cursor']);
    });

    it('pages from limit + 1 rows: a cursor only when another page follows', () => {
      const rows = [{ k: 3 }, { k: 2 }, { k: 1 }];
      expect(pageOf(rows, 2, (r) => r.k, (r) => [r.k])).toEqual({ items: [3, 2], next_cursor: encodeCursor([2]) });
      expect(pageOf(rows, 3, (r) => r.k, (r) => [r.k])).toEqual({ items: [3, 2, 1], next_cursor: null });
    });
  });

  describe('bodies', () => {
    it.each([null, 'x', [1], 3])('refuses %p as a body', (body) => {
      expect(fieldsOf(() => bodyObject(body))).toEqual(['body']);
    });

    it('takes a missing body as {} only where the route allows it', () => {
      expect(bodyObject(undefined, { optional: true })).toEqual({});
      expect(fieldsOf(() => bodyObject(undefined))).toEqual(['body']);
    });

    it('names every unknown member and every bad number, once each', () => {
      const problems = new Problems();
      const input = { extra: 1, n: 0, m: 'x' };
      refuseUnknown(input, ['n', 'm'], problems);
      expect(integerIn(input, 'n', 1, 10, 5, problems)).toBe(5);
      expect(integerIn(input, 'm', 1, 10, 5, problems)).toBe(5);
      expect(integerIn(input, 'absent', 1, 10, 7, problems)).toBe(7);
      problems.add('n', 'a second problem with n is not repeated');
      expect(fieldsOf(() => problems.check())).toEqual(['extra', 'n', 'm']);
    });
  });
});
