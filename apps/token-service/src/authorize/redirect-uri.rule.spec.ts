import { isRegisteredRedirectUri, withParams } from './redirect-uri.rule';

const REGISTERED = ['https://partner.example/cb', 'http://127.0.0.1:4999/callback'];

describe('redirect URI matching (RFC 9700 §4.1.3: exact string match)', () => {
  it('accepts a registered URI exactly as registered', () => {
    expect(isRegisteredRedirectUri(REGISTERED, 'https://partner.example/cb')).toBe(true);
  });

  it.each([
    'https://partner.example/cb/',
    'https://partner.example/cb/../evil',
    'https://partner.example/cbx',
    'https://partner.example/cb?x=1',
    'https://partner.example/cb#frag',
    'https://partner.example:443/cb',
    'https://PARTNER.example/cb',
    'https://partner.example/CB',
    'https://partner.example@attacker.example/cb',
    'https://partner.example.attacker.example/cb',
    'https://partner.example/%63b',
    'http://partner.example/cb',
    'http://localhost:4999/callback',
    'http://127.0.0.1:5000/callback',
    'http://[::1]:4999/callback',
    ' https://partner.example/cb',
  ])('refuses the look-alike %p', (candidate) => {
    expect(isRegisteredRedirectUri(REGISTERED, candidate)).toBe(false);
  });

  it('adds response parameters while keeping the registered query', () => {
    const url = new URL(withParams('https://partner.example/cb?tenant=a', { code: 'c', state: 's&x', iss: undefined }));
    expect(url.searchParams.get('tenant')).toBe('a');
    expect(url.searchParams.get('code')).toBe('c');
    expect(url.searchParams.get('state')).toBe('s&x');
    expect(url.searchParams.has('iss')).toBe(false);
  });
});
