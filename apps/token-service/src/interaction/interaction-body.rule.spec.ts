import { InvalidRequest } from '@tessera/contracts';
import { readAcceptLogin } from './interaction-body.rule';

const accept = (claims: unknown) => readAcceptLogin({ subject: 'person-1', remember: false, amr: ['pwd'], claims });

describe('the login accept body: claims', () => {
  it.each<[unknown, unknown]>([
    [{ preferred_username: 'ann', roles: ['admin'] }, { preferred_username: 'ann', roles: ['admin'] }],
    [{ roles: [] }, { roles: [] }],
    [{ roles: Array.from({ length: 20 }, (_, i) => `role-${i}`) }, { roles: Array.from({ length: 20 }, (_, i) => `role-${i}`) }],
    [{}, {}],
    // The profile claims the user directory keeps (OIDC Core §5.1), released later by scope.
    [
      { given_name: 'Ada', family_name: 'Lovelace', picture: 'https://pictures.example/ada.png', locale: 'en-GB', zoneinfo: 'Europe/London' },
      { given_name: 'Ada', family_name: 'Lovelace', picture: 'https://pictures.example/ada.png', locale: 'en-GB', zoneinfo: 'Europe/London' },
    ],
    // Anything else is dropped: the login UI cannot mint claims the token service does not know.
    [{ name: 'Ada', sub: 'someone-else', acr: 'x' }, { name: 'Ada' }],
  ])('takes %j', (claims, expected) => {
    expect(accept(claims).claims).toEqual(expected);
  });

  it.each<[string, unknown]>([
    ['roles that are not a list', { roles: 'admin' }],
    ['more than 20 roles', { roles: Array.from({ length: 21 }, (_, i) => `role-${i}`) }],
    ['an empty role', { roles: [''] }],
    ['a role longer than 64 characters', { roles: ['x'.repeat(65)] }],
    ['a role that is not a string', { roles: [1] }],
    ['a given_name that is not a string', { given_name: 42 }],
    ['a picture longer than 320 characters', { picture: `https://p.example/${'x'.repeat(320)}` }],
  ])('refuses %s', (_case, claims) => {
    expect(() => accept(claims)).toThrow(InvalidRequest);
  });
});
