import { AdminApiPageError } from './console-errors';
import { checkboxField, formProblems, lines, memberOf, refusedForm, textField } from './console-form.rule';

describe('console form fields', () => {
  it.each<[string, unknown, string]>([
    ['a typed value', 'abc', 'abc'],
    ['an absent field', undefined, ''],
    ['a repeated field (never a string)', ['a', 'b'], ''],
  ])('reads %s as text', (_case, value, expected) => {
    expect(textField({ f: value }, 'f')).toBe(expected);
  });

  it.each<[unknown, boolean]>([['on', true], [undefined, false], ['', false], ['true', false]])('reads the checkbox value %p as %p', (value, ticked) => {
    expect(checkboxField({ f: value }, 'f')).toBe(ticked);
  });

  it.each<[string, string[]]>([
    ['https://a.example/cb', ['https://a.example/cb']],
    ['https://a.example/cb\r\n  https://b.example/cb  \n\n', ['https://a.example/cb', 'https://b.example/cb']],
    ['   \n', []],
  ])('splits %p into lines', (text, expected) => {
    expect(lines(text)).toEqual(expected);
  });

  it.each<[string, string]>([['redirect_uris[1]', 'redirect_uris'], ['profile.email', 'profile'], ['password', 'password'], ['', '']])(
    'names the member of the refused path %p', (path, member) => {
      expect(memberOf(path)).toBe(member);
    },
  );
});

describe('the admin API refusals beside a form', () => {
  const order = ['username', 'email', 'password'];
  const known = (path: string) => (order.includes(memberOf(path)) ? memberOf(path) : undefined);

  it('puts each refused field next to its input and focuses the first in form order', () => {
    const problems = formProblems({
      error: 'invalid_request', message: 'the request is not valid',
      fields: [{ path: 'password', message: 'too short' }, { path: 'email', message: 'not an address' }, { path: 'password', message: 'second' }],
    }, known, order);
    expect(problems).toEqual({ errors: { password: 'too short', email: 'not an address' }, general: [], firstError: 'email' });
  });

  it('shows a field the form does not have above it', () => {
    expect(formProblems({ error: 'invalid_request', message: 'x', fields: [{ path: 'body', message: 'must be an object' }] }, known, order))
      .toEqual({ errors: {}, general: ['must be an object'], firstError: undefined });
  });

  it('shows the message of a refusal without fields (a conflict) above the form', () => {
    expect(formProblems({ error: 'conflict', message: 'the username is taken' }, known, order))
      .toEqual({ errors: {}, general: ['the username is taken'], firstError: undefined });
  });

  it.each<[number, boolean]>([[400, true], [409, true], [403, false], [404, false], [503, false]])('keeps a %i on the form: %p', (status, onForm) => {
    const err = new AdminApiPageError(status, { error: 'invalid_request', message: 'm' });
    if (onForm) expect(refusedForm(err, known, order)).toMatchObject({ status, general: ['m'] });
    else expect(() => refusedForm(err, known, order)).toThrow(err);
  });

  it('leaves anything else to the error page', () => {
    const crash = new Error('boom');
    expect(() => refusedForm(crash, known, order)).toThrow(crash);
  });
});
