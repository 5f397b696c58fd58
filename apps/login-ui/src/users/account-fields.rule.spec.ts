import { Checked, checkEmail, checkLocale, checkPersonName, checkPicture, checkRoles, checkUsername, checkZoneinfo } from './account-fields.rule';

describe('account fields', () => {
  const ok = <T>(value: T): Checked<T> => ({ value });
  const no = (problem: string): Checked<never> => ({ problem });

  it.each<[string, Checked<unknown>, Checked<unknown>]>([
    ['a username, trimmed, with its key', checkUsername('  Ada.Lovelace '), ok({ username: 'Ada.Lovelace', usernameKey: 'ada.lovelace' })],
    ['a fullwidth username folds to plain letters', checkUsername('ＡＤＡ'), ok({ username: 'ＡＤＡ', usernameKey: 'ada' })],
    ['an empty username', checkUsername('   '), no('the username is empty')],
    ['a username with @', checkUsername('ada@example.com'), no('the username may not contain @, spaces or control characters')],
    ['a username with a space', checkUsername('ada lovelace'), no('the username may not contain @, spaces or control characters')],
    ['a username of 191 characters', checkUsername('a'.repeat(191)), no('the username is longer than 190 characters')],
    ['an email, with its key', checkEmail(' Ada@Example.COM '), ok({ email: 'Ada@Example.COM', emailKey: 'ada@example.com' })],
    ['no email', checkEmail(null), ok(null)],
    ['an empty email clears it', checkEmail('  '), ok(null)],
    ['an email without @', checkEmail('ada.example.com'), no('the email address is not valid')],
    ['an email with a space', checkEmail('ada @example.com'), no('the email address is not valid')],
    ['a name', checkPersonName(' Ada Lovelace ', 'name', 200), ok('Ada Lovelace')],
    ['a name too long', checkPersonName('x'.repeat(101), 'given name', 100), no('the given name is longer than 100 characters')],
    ['a name with a control character', checkPersonName('Ada\u0000', 'name', 200), no('the name may not contain control characters')],
    ['an https picture', checkPicture('https://pictures.example/ada.png'), ok('https://pictures.example/ada.png')],
    ['a plain http picture', checkPicture('http://pictures.example/ada.png'), no('the picture must be an https URL of at most 2048 characters')],
    ['a javascript: picture', checkPicture('javascript:alert(1)'), no('the picture must be an https URL of at most 2048 characters')],
    ['a picture URL with credentials', checkPicture('https://user:pw@pictures.example/a.png'), no('the picture must be an https URL of at most 2048 characters')],
    ['a relative picture', checkPicture('/ada.png'), no('the picture must be an https URL of at most 2048 characters')],
    ['a locale, canonicalised', checkLocale('en-gb'), ok('en-GB')],
    ['a language alone', checkLocale('fr'), ok('fr')],
    ['a locale that is no tag', checkLocale('English (UK)'), no('the locale must be a BCP 47 language tag such as en-GB')],
    ['a list of locales', checkLocale('en,fr'), no('the locale must be a BCP 47 language tag such as en-GB')],
    ['a time zone, canonicalised', checkZoneinfo('europe/paris'), ok('Europe/Paris')],
    ['UTC', checkZoneinfo('UTC'), ok('UTC')],
    ['an offset is not a zone', checkZoneinfo('+01:00'), no('the zoneinfo must be an IANA time zone such as Europe/Paris')],
    ['an unknown zone', checkZoneinfo('Mars/Olympus_Mons'), no('the zoneinfo must be an IANA time zone such as Europe/Paris')],
    ['the known role, once', checkRoles(['admin', 'admin']), ok(['admin'])],
    ['no roles', checkRoles([]), ok([])],
    ['an unknown role', checkRoles(['admin', 'Admin']), no('unknown role "Admin"; the known roles are: admin')],
  ])('%s', (_name, actual, expected) => {
    expect(actual).toEqual(expected);
  });
});
