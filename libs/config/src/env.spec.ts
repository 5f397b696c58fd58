import { ConfigError, readBaseUrl, readInt, readPort, readSecret } from './env';

describe('environment readers', () => {
  it.each([
    ['abc', /whole number/],
    ['-1', /whole number/],
    ['70000', /between 1 and 65535/],
  ])('refuse the port %p, naming the variable', (value, message) => {
    expect(() => readPort({ PORT: value }, 'PORT', 3000)).toThrow(ConfigError);
    expect(() => readPort({ PORT: value }, 'PORT', 3000)).toThrow(new RegExp(`^PORT: .*${message.source}`));
  });

  it('use the fallback when the variable is unset or blank', () => {
    expect(readPort({}, 'PORT', 3000)).toBe(3000);
    expect(readPort({ PORT: '  ' }, 'PORT', 3000)).toBe(3000);
    expect(readInt({ N: '42' }, 'N', 1, { min: 1, max: 100 })).toBe(42);
  });

  it('normalise base URLs and refuse ones with a query, fragment or credentials', () => {
    expect(readBaseUrl({ U: 'https://id.example.com/' }, 'U', 'http://x')).toBe('https://id.example.com');
    for (const bad of ['ftp://x', 'not a url', 'https://x/?a=1', 'https://x/#f', 'https://u:p@x']) {
      expect(() => readBaseUrl({ U: bad }, 'U', 'http://x')).toThrow(/^U: /);
    }
  });

  it('refuse a short secret without repeating it', () => {
    let message = '';
    try { readSecret({ S: 'short-secret' }, 'S'); } catch (e) { message = (e as Error).message; }
    expect(message).toMatch(/^S: must be at least 32/);
    expect(message).not.toContain('short-secret');
  });
});
