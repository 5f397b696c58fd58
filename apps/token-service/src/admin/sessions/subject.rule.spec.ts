import { InvalidRequest } from '@tessera/contracts';
import { isSubject, readInternalSubjectRevocation } from './subject.rule';

describe('subjects', () => {
  it.each<[unknown, boolean]>([['a', true], ['x'.repeat(255), true], ['', false], ['x'.repeat(256), false], [42, false], [null, false]])(
    'isSubject(%p) is %p', (value, expected) => {
      expect(isSubject(value)).toBe(expected);
    },
  );

  it.each<[unknown, string]>([[undefined, 'system'], [{}, 'system'], [{ actor: 'admin-1' }, 'admin-1']])(
    'reads the login UI\'s revocation with body %j as actor %p', (body, actor) => {
      expect(readInternalSubjectRevocation('person-1', body)).toEqual({ subject: 'person-1', actor });
    },
  );

  it.each<[string, unknown]>([['x'.repeat(256), undefined], ['p', { actor: '' }], ['p', { actor: 1 }], ['p', { actor: 'a', extra: true }], ['p', 'body']])(
    'refuses subject %p with body %j', (subject, body) => {
      expect(() => readInternalSubjectRevocation(subject, body)).toThrow(InvalidRequest);
    },
  );
});
