import { bundledCommonPasswords, PasswordOwner, passwordPolicy, passwordProblem } from './password-policy';

describe('passwordProblem', () => {
  const policy = passwordPolicy(12);
  const owner: PasswordOwner = { username: 'Ada.Lovelace-1815', email: 'Ada.Lovelace-1815@Example.com' };

  it.each<[string, string, PasswordOwner, string | null]>([
    ['a long passphrase', 'correct horse battery', owner, null],
    ['exactly the minimum', 'x7!kq2#mz9@p', owner, null],
    ['one character short', 'x7!kq2#mz9@', owner, 'the password must be at least 12 characters long'],
    ['empty', '', owner, 'the password must be at least 12 characters long'],
    // §5.1.1.2: each Unicode code point counts as one character, whatever its UTF-16 length.
    ['12 astral code points (24 UTF-16 units)', '😀'.repeat(12), owner, null],
    ['11 astral code points', '😀'.repeat(11), owner, 'the password must be at least 12 characters long'],
    ['the maximum, 256 characters', 'q'.repeat(256), owner, null],
    ['257 characters', 'q'.repeat(257), owner, 'the password must be at most 256 characters long'],
    ['the username', 'Ada.Lovelace-1815', owner, 'the password may not be the username'],
    ['the username in another case', 'ADA.LOVELACE-1815', owner, 'the password may not be the username'],
    ['the email address in another case', 'ada.lovelace-1815@example.COM', owner, 'the password may not be the email address'],
    ['without an email address', 'ada.lovelace-1815@example.com', { username: 'Ada.Lovelace-1815' }, null],
    ['a common password', 'password1234', owner, 'the password is one of the most common passwords; choose another'],
    ['a common password in upper case', 'PASSWORD1234', owner, 'the password is one of the most common passwords; choose another'],
    ['another common one', '1qaz2wsx3edc4rfv', owner, 'the password is one of the most common passwords; choose another'],
    ['a common password with a character added', 'password1234!', owner, null],
  ])('%s', (_name, password, who, problem) => {
    expect(passwordProblem(password, who, policy)).toBe(problem);
  });

  it('applies the configured minimum', () => {
    expect(passwordProblem('x7!kq2#m', owner, passwordPolicy(8))).toBeNull();
    expect(passwordProblem('x7!kq2#mz9@p', owner, passwordPolicy(16))).toBe('the password must be at least 16 characters long');
  });

  it('never repeats the password in its answer', () => {
    for (const password of ['short', 'password1234', 'Ada.Lovelace-1815', 'q'.repeat(300)]) {
      expect(passwordProblem(password, owner, policy)).not.toContain(password);
    }
  });

  it('reads the whole bundled list once', () => {
    const list = bundledCommonPasswords();
    expect(list.size).toBeGreaterThan(49_000);
    expect(list.has('123456')).toBe(true);
    expect(bundledCommonPasswords()).toBe(list);
  });
});
