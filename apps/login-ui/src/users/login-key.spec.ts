import { loginKey } from './login-key';

describe('loginKey', () => {
  it.each([
    ['Alice', 'alice'],
    ['ALICE', 'alice'],
    ['  alice ', 'alice'],
    ['ａｌｉｃｅ', 'alice'], // fullwidth
    ['Ａｌｉｃｅ', 'alice'],
    ['ﬁona', 'fiona'], // the "fi" ligature
    ['alice²', 'alice2'],
    ['Alice@Example.COM', 'alice@example.com'],
  ])('folds %p to %p', (input, key) => {
    expect(loginKey(input)).toBe(key);
  });

  it('keeps different names apart', () => {
    expect(loginKey('alice')).not.toBe(loginKey('alicia'));
  });
});
