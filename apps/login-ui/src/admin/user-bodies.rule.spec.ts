import { InvalidUserInput } from '../users/account-fields.rule';
import { readListQuery, readNewUser, readPasswordChoice, readProfileChanges, readRoles } from './user-bodies.rule';

/** The refused paths, or the value read. */
function outcome<T>(read: () => T): T | { refused: string[] } {
  try {
    return read();
  } catch (err) {
    if (err instanceof InvalidUserInput) return { refused: err.problems.map((p) => p.path) };
    throw err;
  }
}

describe('admin API bodies for /users', () => {
  it.each<[string, () => unknown, unknown]>([
    ['a new user with a password', () => readNewUser({ username: 'ada', password: 'pw' }), { username: 'ada', password: { password: 'pw' }, roles: [], profile: {} }],
    ['a new user with a generated password, roles and claims', () => readNewUser({ username: 'ada', generate: true, roles: ['admin'], name: 'Ada', email_verified: true, locale: null }),
      { username: 'ada', password: { generate: true }, roles: ['admin'], profile: { name: 'Ada', emailVerified: true, locale: null } }],
    ['a new user without username or password', () => readNewUser({}), { refused: ['username', 'password'] }],
    ['a new user with a password and generate', () => readNewUser({ username: 'ada', password: 'pw', generate: true }), { refused: ['password'] }],
    ['generate: "true" as a string', () => readNewUser({ username: 'ada', generate: 'true' }), { refused: ['generate'] }],
    ['a numeric username and a null password', () => readNewUser({ username: 7, password: null }), { refused: ['username', 'password'] }],
    ['an unknown field', () => readNewUser({ username: 'ada', password: 'pw', admin: true }), { refused: ['admin'] }],
    ['a body that is an array', () => readNewUser([{ username: 'ada' }]), { refused: [''] }],
    ['a body that is null', () => readProfileChanges(null), { refused: [''] }],
    ['a change of name and email', () => readProfileChanges({ name: 'Ada', email: null }), { name: 'Ada', email: null }],
    ['a change of the username', () => readProfileChanges({ username: 'other' }), { refused: ['username'] }],
    ['an empty change', () => readProfileChanges({}), { refused: [''] }],
    ['email_verified as a string', () => readProfileChanges({ email_verified: 'true' }), { refused: ['email_verified'] }],
    ['a string longer than 4096', () => readProfileChanges({ picture: 'x'.repeat(4097) }), { refused: ['picture'] }],
    ['roles', () => readRoles({ roles: ['admin'] }), ['admin']],
    ['no roles', () => readRoles({ roles: [] }), []],
    ['roles as a string', () => readRoles({ roles: 'admin' }), { refused: ['roles'] }],
    ['an empty role name', () => readRoles({ roles: [''] }), { refused: ['roles'] }],
    ['21 roles', () => readRoles({ roles: Array.from({ length: 21 }, (_, i) => `r${i}`) }), { refused: ['roles'] }],
    ['a reset to a given password', () => readPasswordChoice({ password: 'pw' }), { password: 'pw' }],
    ['a generated reset', () => readPasswordChoice({ generate: true }), { generate: true }],
    ['a reset without either', () => readPasswordChoice({}), { refused: ['password'] }],
    ['a reset with an old password too', () => readPasswordChoice({ password: 'pw', old_password: 'x' }), { refused: ['old_password'] }],
    ['the default list', () => readListQuery({}), { limit: 50 }],
    ['a full list query', () => readListQuery({ q: 'ad', disabled: 'false', role: 'admin', limit: '200', cursor: 'abc' }), { q: 'ad', disabled: false, role: 'admin', limit: 200, cursor: 'abc' }],
    ['limits out of range', () => readListQuery({ limit: '201' }), { refused: ['limit'] }],
    ['a limit that is not a number', () => readListQuery({ limit: '1e2' }), { refused: ['limit'] }],
    ['a repeated q', () => readListQuery({ q: ['a', 'b'] }), { refused: ['q'] }],
    ['disabled as yes', () => readListQuery({ disabled: 'yes' }), { refused: ['disabled'] }],
    ['an unknown parameter', () => readListQuery({ sort: 'name' }), { refused: ['sort'] }],
  ])('%s', (_name, read, expected) => {
    expect(outcome(read)).toEqual(expected);
  });
});
