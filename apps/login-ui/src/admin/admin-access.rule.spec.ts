import { AdminAccess, adminAccess, AdminTokenClaims } from './admin-access.rule';

describe('adminAccess', () => {
  const person = { sub: '5f0c3a8e-1111-4222-8333-444455556666', client_id: 'console' };

  it.each<[string, AdminTokenClaims, AdminAccess]>([
    ['a person with the scope and the role', { ...person, scope: 'openid tessera:admin', roles: ['admin'] }, { allowed: true, actor: person.sub }],
    ['a service client with the scope and the role', { sub: 'robot', client_id: 'robot', scope: 'tessera:admin', roles: ['admin'] }, { allowed: true, actor: 'client:robot' }],
    ['the role among others', { ...person, scope: 'tessera:admin', roles: ['auditor', 'admin'] }, { allowed: true, actor: person.sub }],
    ['no scope at all', { ...person, roles: ['admin'] }, { allowed: false, missing: 'scope' }],
    ['other scopes only', { ...person, scope: 'openid profile email', roles: ['admin'] }, { allowed: false, missing: 'scope' }],
    ['a scope that only contains the word', { ...person, scope: 'tessera:admin:read', roles: ['admin'] }, { allowed: false, missing: 'scope' }],
    ['a scope given as an array', { ...person, scope: ['tessera:admin'], roles: ['admin'] }, { allowed: false, missing: 'scope' }],
    ['the scope without roles', { ...person, scope: 'openid tessera:admin' }, { allowed: false, missing: 'role' }],
    ['the scope with other roles', { ...person, scope: 'tessera:admin', roles: ['auditor'] }, { allowed: false, missing: 'role' }],
    ['roles given as a string', { ...person, scope: 'tessera:admin', roles: 'admin' }, { allowed: false, missing: 'role' }],
    ['the role in another case', { ...person, scope: 'tessera:admin', roles: ['Admin'] }, { allowed: false, missing: 'role' }],
  ])('%s', (_name, claims, expected) => {
    expect(adminAccess(claims)).toEqual(expected);
  });
});
