import type { Request } from 'express';

/**
 * Links of a list page paged by the admin API's opaque cursor (contracts `Page`): `next` keeps the
 * page's query and sets `cursor`; `first` drops the cursor, offered on any page after the first.
 *
 * @example
 * pageUrls('/admin/audit?type=logout&cursor=abc', 'def') // { next: '/admin/audit?type=logout&cursor=def', first: '/admin/audit?type=logout' }
 */
export function pageUrls(originalUrl: string, nextCursor: string | null): { next?: string; first?: string } {
  const [path, search = ''] = originalUrl.split('?', 2);
  const params = new URLSearchParams(search);
  const onLaterPage = params.has('cursor');
  params.delete('cursor');
  const at = (query: URLSearchParams) => (query.toString() ? `${path}?${query.toString()}` : path);
  const first = onLaterPage ? at(params) : undefined;
  if (nextCursor === null) return { first };
  const next = new URLSearchParams(params);
  next.set('cursor', nextCursor);
  return { next: at(next), first };
}

/** `pageUrls` for the request being answered. */
export function pageUrlsOf(req: Request, nextCursor: string | null): { next?: string; first?: string } {
  return pageUrls(req.originalUrl, nextCursor);
}
