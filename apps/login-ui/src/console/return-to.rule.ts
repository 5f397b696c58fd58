const CONSOLE_HOME = '/admin';
// A console page path and query as the browser sent it: /admin or /admin/…, printable ASCII only,
// no backslash (some browsers read it as a slash), no fragment.
const CONSOLE_PAGE = /^\/admin(\/[A-Za-z0-9\-._~%!$&'()*+,;=:@/]*)?(\?[A-Za-z0-9\-._~%!$&'()*+,;=:@/?]*)?$/;
const MAX_LENGTH = 1024;

/**
 * Where to send the browser after signing in: the console page it asked for, when that is a GET of
 * a console page (`req.originalUrl`), and the dashboard otherwise. Only same-origin paths under
 * /admin pass, never `//host` or the admin API, so the sign-in is no open redirect.
 *
 * @example
 * returnTo('GET', '/admin/audit?type=sign_in.failed') // '/admin/audit?type=sign_in.failed'
 * returnTo('GET', '/admin//evil.example')            // '/admin'
 */
export function returnTo(method: string, originalUrl: string): string {
  if (method !== 'GET' || originalUrl.length > MAX_LENGTH || !CONSOLE_PAGE.test(originalUrl)) return CONSOLE_HOME;
  const path = originalUrl.split('?')[0];
  if (path.includes('//') || path.split('/').some((segment) => segment === '.' || segment === '..')) return CONSOLE_HOME;
  if (path === '/admin/api' || path.startsWith('/admin/api/')) return CONSOLE_HOME;
  // Coming back to the sign-in routes themselves would loop.
  if (['/admin/login', '/admin/callback', '/admin/logout', '/admin/signed-out'].includes(path)) return CONSOLE_HOME;
  return originalUrl;
}
