import type { AdminUser } from '@tessera/contracts';
import {
  isLocked, NEW_USER_FIELDS, newUserBody, PROFILE_FIELDS, profileChanges, profileFormOf, readNewUserForm, readProfileForm, rolesWith, userFieldOf,
} from './user-form.rule';

const USER: AdminUser = {
  id: 'u1', username: 'ada', name: 'Ada Lovelace', given_name: 'Ada', family_name: null, email: 'ada@example.com', email_verified: true,
  picture: null, locale: null, zoneinfo: null, roles: [], disabled: false, failed_sign_ins: 0, locked_until: null, created_at: 1, updated_at: 1,
};

describe('the new-user form', () => {
  it.each<[string, Record<string, string>, Record<string, unknown>]>([
    ['a typed password', { username: ' ada ', password: ' pass phrase ' }, { username: 'ada', password: ' pass phrase ', roles: [] }],
    ['a generated password', { username: 'ada', generate: 'on' }, { username: 'ada', generate: true, roles: [] }],
    ['both, for the API to refuse', { username: 'ada', password: 'x', generate: 'on' }, { username: 'ada', password: 'x', generate: true, roles: [] }],
    ['no password at all, for the API to ask for one', { username: 'ada' }, { username: 'ada', password: '', roles: [] }],
    ['a name, an email and the admin role', { username: 'ada', password: 'p', name: 'Ada', email: 'a@example.com', admin: 'on' },
      { username: 'ada', password: 'p', name: 'Ada', email: 'a@example.com', roles: ['admin'] }],
  ])('sends %s', (_case, body, expected) => {
    expect(newUserBody(readNewUserForm(body))).toEqual(expected);
  });

  it.each<[string, string | undefined]>([['username', 'username'], ['password', 'password'], ['email', 'email'], ['roles', 'admin'], ['', undefined], ['given_name', undefined]])(
    'shows a refused %p at %p', (path, field) => {
      expect(userFieldOf(NEW_USER_FIELDS)(path)).toBe(field);
    },
  );
});

describe('the profile form', () => {
  it.each<[string, Record<string, string>, Record<string, unknown>]>([
    ['nothing changed', {}, {}],
    ['a claim set', { locale: 'en-GB' }, { locale: 'en-GB' }],
    ['a claim emptied, which clears it', { given_name: '' }, { given_name: null }],
    ['a new email, which the directory makes unverified', { email: 'ada@new.example' }, { email: 'ada@new.example' }],
    ['the verified box unticked', { email_verified: '' }, { email_verified: false }],
  ])('patches %s', (_case, edit, expected) => {
    const current = profileFormOf(USER);
    const body: Record<string, string> = { ...current, email_verified: current.email_verified ? 'on' : '' } as unknown as Record<string, string>;
    expect(profileChanges(readProfileForm({ ...body, ...edit }), USER)).toEqual(expected);
  });

  it('shows the username as unchangeable, never as a field of this form', () => {
    expect(userFieldOf(PROFILE_FIELDS)('username')).toBeUndefined();
    expect(userFieldOf(PROFILE_FIELDS)('email_verified')).toBe('email_verified');
  });
});

describe('roles and lockout', () => {
  it.each<[string[], boolean, string[]]>([
    [[], true, ['admin']], [['admin'], false, []], [['admin'], true, ['admin']], [['auditor', 'admin'], false, ['auditor']], [['auditor'], true, ['auditor', 'admin']],
  ])('roles %p with the admin box %p become %p', (current, admin, expected) => {
    expect(rolesWith(current, admin)).toEqual(expected);
  });

  it.each<[number | null, boolean]>([[null, false], [999, false], [1000, false], [1001, true]])('locked_until %p at 1000 is locked: %p', (until, locked) => {
    expect(isLocked({ locked_until: until }, 1000)).toBe(locked);
  });
});
