import { readRateLimit, readTrustedProxies, trustProxySetting } from './abuse-config';

const fallback = { limit: 20, windowSeconds: 60 };

describe('readRateLimit', () => {
  it('reads REQUESTS/SECONDS, falls back when unset, and is off when asked', () => {
    expect(readRateLimit({}, 'RATE_LIMIT_LOGIN', fallback)).toEqual(fallback);
    expect(readRateLimit({ RATE_LIMIT_LOGIN: ' 5/10 ' }, 'RATE_LIMIT_LOGIN', fallback)).toEqual({ limit: 5, windowSeconds: 10 });
    expect(readRateLimit({ RATE_LIMIT_LOGIN: 'OFF' }, 'RATE_LIMIT_LOGIN', fallback)).toBeUndefined();
  });

  it.each(['false', '0', 'FALSE'])('switches every limit off with RATE_LIMIT_ENABLED=%p', (value) => {
    expect(readRateLimit({ RATE_LIMIT_ENABLED: value, RATE_LIMIT_LOGIN: '5/10' }, 'RATE_LIMIT_LOGIN', fallback)).toBeUndefined();
  });

  it.each(['true', '1'])('keeps the limits with RATE_LIMIT_ENABLED=%p', (value) => {
    expect(readRateLimit({ RATE_LIMIT_ENABLED: value }, 'RATE_LIMIT_LOGIN', fallback)).toEqual(fallback);
  });

  it.each([
    ['RATE_LIMIT_LOGIN', '20', /REQUESTS\/SECONDS/],
    ['RATE_LIMIT_LOGIN', '20/1m', /REQUESTS\/SECONDS/],
    ['RATE_LIMIT_LOGIN', '-1/60', /REQUESTS\/SECONDS/],
    ['RATE_LIMIT_LOGIN', '0/60', /between 1 and/],
    ['RATE_LIMIT_LOGIN', '5/0', /window must be between 1 and 86400/],
    ['RATE_LIMIT_LOGIN', '5/99999', /window must be between 1 and 86400/],
    ['RATE_LIMIT_ENABLED', 'maybe', /true or false/],
  ])('refuses %s=%p, naming it', (name, value, message) => {
    expect(() => readRateLimit({ [name]: value }, 'RATE_LIMIT_LOGIN', fallback)).toThrow(new RegExp(`^${name}: .*${message.source}`));
  });
});

describe('readTrustedProxies', () => {
  it('trusts nobody by default', () => {
    expect(readTrustedProxies({})).toEqual([]);
    expect(trustProxySetting(readTrustedProxies({ TRUSTED_PROXIES: ' ' }))).toBe(false);
  });

  it('reads addresses, CIDR ranges and the well-known names', () => {
    const value = 'loopback, 10.0.0.0/8,192.0.2.10 , fd00::/8, 2001:db8::1, uniquelocal, linklocal';
    const proxies = readTrustedProxies({ TRUSTED_PROXIES: value });
    expect(proxies).toEqual(['loopback', '10.0.0.0/8', '192.0.2.10', 'fd00::/8', '2001:db8::1', 'uniquelocal', 'linklocal']);
    expect(trustProxySetting(proxies)).toEqual(proxies);
  });

  it.each(['*', 'true', 'everyone', '10.0.0.0/33', 'fd00::/129', '10.0.0.0/8/8', '10.0.0.0/', '300.1.1.1', 'loopback,,10.0.0.1', 'example.com'])(
    'refuses %p, naming the variable',
    (value) => {
      expect(() => readTrustedProxies({ TRUSTED_PROXIES: value })).toThrow(/^TRUSTED_PROXIES: /);
    },
  );
});
