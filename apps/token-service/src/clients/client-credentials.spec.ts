import { InvalidClient, InvalidRequest } from '@tessera/contracts';
import { parseBasicCredentials, presentedCredentials } from './client-credentials';

const basic = (raw: string) => `Basic ${Buffer.from(raw, 'utf8').toString('base64')}`;

describe('parseBasicCredentials (RFC 6749 §2.3.1)', () => {
  it.each([
    ['a plain pair', basic('client:secret'), 'client', 'secret'],
    ['a lower-case scheme', `basic ${Buffer.from('client:secret').toString('base64')}`, 'client', 'secret'],
    ['form-encoded halves', basic('my%20client:p%40ss%3Aword'), 'my client', 'p@ss:word'],
    ['"+" as a space', basic('a+b:c+d'), 'a b', 'c d'],
    ['a raw ":" in the secret (split on the first)', basic('client:se:cret'), 'client', 'se:cret'],
    ['UTF-8 after decoding', basic('client:%C3%A9t%C3%A9'), 'client', 'été'],
  ])('reads %s', (_case, header, clientId, clientSecret) => {
    expect(parseBasicCredentials(header)).toEqual({ clientId, clientSecret });
  });

  it.each([
    ['another scheme', 'Bearer abc'],
    ['no credentials', 'Basic '],
    ['no separator', basic('client')],
    ['an empty id', basic(':secret')],
    ['an empty secret', basic('client:')],
    ['bad percent-encoding', basic('client:%zz')],
    ['characters outside base64', 'Basic not*base64'],
  ])('refuses %s with invalid_client', (_case, header) => {
    expect(() => parseBasicCredentials(header)).toThrow(InvalidClient);
  });
});

describe('presentedCredentials (RFC 6749 §2.3)', () => {
  it.each<[string, string | undefined, Record<string, unknown>, unknown]>([
    ['a Basic header', basic('c:s'), {}, { method: 'client_secret_basic', clientId: 'c', clientSecret: 's' }],
    ['a Basic header with the same client_id in the body', basic('c:s'), { client_id: 'c' }, { method: 'client_secret_basic', clientId: 'c', clientSecret: 's' }],
    ['client_id and client_secret in the body', undefined, { client_id: 'c', client_secret: 's' }, { method: 'client_secret_post', clientId: 'c', clientSecret: 's' }],
    ['client_id alone', undefined, { client_id: 'c' }, { method: 'none', clientId: 'c' }],
    ['an empty client_secret as absent (§3.1)', undefined, { client_id: 'c', client_secret: '' }, { method: 'none', clientId: 'c' }],
    ['an empty Authorization header as absent', '', { client_id: 'c' }, { method: 'none', clientId: 'c' }],
  ])('recognises %s', (_case, header, body, expected) => {
    expect(presentedCredentials(header, body)).toEqual(expected);
  });

  it.each<[string, string | undefined, Record<string, unknown>, new (d: string) => Error]>([
    ['two methods at once', basic('c:s'), { client_secret: 's' }, InvalidRequest],
    ['a body client_id that differs from the header', basic('c:s'), { client_id: 'other' }, InvalidRequest],
    ['a repeated client_id', undefined, { client_id: ['c', 'd'], client_secret: 's' }, InvalidRequest],
    ['a repeated client_secret', undefined, { client_id: 'c', client_secret: ['s', 't'] }, InvalidRequest],
    ['client_secret without client_id', undefined, { client_secret: 's' }, InvalidRequest],
    ['nothing at all', undefined, {}, InvalidClient],
    ['a malformed header', 'Basic ???', {}, InvalidClient],
  ])('refuses %s', (_case, header, body, error) => {
    expect(() => presentedCredentials(header, body)).toThrow(error);
  });
});
