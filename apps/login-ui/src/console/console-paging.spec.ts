import { pageUrls } from './console-paging';

describe('pageUrls (cursor paging links)', () => {
  it.each<[string, string | null, { next?: string; first?: string }]>([
    ['/admin/keys', null, {}],
    ['/admin/keys', 'abc', { next: '/admin/keys?cursor=abc' }],
    ['/admin/audit?type=logout&type=sign_in.failed', 'abc', { next: '/admin/audit?type=logout&type=sign_in.failed&cursor=abc' }],
    ['/admin/audit?type=logout&cursor=abc', 'def', { next: '/admin/audit?type=logout&cursor=def', first: '/admin/audit?type=logout' }],
    ['/admin/audit?cursor=abc', null, { first: '/admin/audit' }],
    ['/admin/audit?subject=a%26b', 'c', { next: '/admin/audit?subject=a%26b&cursor=c' }],
  ])('%s with next cursor %p', (url, cursor, expected) => {
    expect(pageUrls(url, cursor)).toEqual(expected);
  });
});
