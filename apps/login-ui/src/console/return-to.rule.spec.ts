import { returnTo } from './return-to.rule';

describe('returnTo (where the console goes after signing in)', () => {
  it.each<[string, string, string]>([
    ['GET', '/admin', '/admin'],
    ['GET', '/admin/keys', '/admin/keys'],
    ['GET', '/admin/audit?type=sign_in.failed&since=2026-11-28T10%3A00', '/admin/audit?type=sign_in.failed&since=2026-11-28T10%3A00'],
    ['GET', '/admin/users/5f0c3a8e-1111-4222-8333-444455556666', '/admin/users/5f0c3a8e-1111-4222-8333-444455556666'],
    ['POST', '/admin/keys/rotate', '/admin'],
    ['GET', '/admin//evil.example/', '/admin'],
    ['GET', '//evil.example/admin', '/admin'],
    ['GET', '/administrator', '/admin'],
    ['GET', '/admin\\evil', '/admin'],
    ['GET', '/admin/../login', '/admin'],
    ['GET', '/admin/./keys', '/admin'],
    ['GET', '/admin/api/v1/users', '/admin'],
    ['GET', '/admin/api', '/admin'],
    ['GET', '/admin/callback?code=x&state=y', '/admin'],
    ['GET', '/admin/login', '/admin'],
    ['GET', '/admin/keys#x', '/admin'],
    ['GET', '/admin/keys?q=<script>', '/admin'],
    ['GET', `/admin/audit?subject=${'a'.repeat(1100)}`, '/admin'],
    ['GET', 'https://evil.example/admin', '/admin'],
  ])('%s %s → %s', (method, url, expected) => {
    expect(returnTo(method, url)).toBe(expected);
  });
});
