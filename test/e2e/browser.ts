/**
 * A cookie-keeping HTTP client that behaves like a browser for the parts a sign-in depends on:
 * it follows redirects itself, keeps cookies the way browsers do, reads the real HTML forms and
 * submits them with their hidden inputs (the CSRF token among them) and the button that was clicked.
 *
 * Cookies are kept by host name and path, not by port (RFC 6265 §8.5): on 127.0.0.1 the token
 * service and the login UI see each other's cookies, exactly as they would in a real browser, so a
 * cookie-name clash between the two apps shows up here too.
 *
 * The browser never leaves the provider: a redirect to any other origin (the partner's
 * redirect_uri, or anywhere else) ends the navigation and is reported in `Page.redirectedTo`
 * without being fetched.
 */
import { HTMLElement, parse } from 'node-html-parser';

export interface Page {
  /** The URL of the last response fetched. */
  url: string;
  status: number;
  headers: Headers;
  body: string;
  /** Set when the last response redirected off the provider: where the browser was being sent. */
  redirectedTo?: URL;
  /** Every URL fetched on the way, first to last. */
  visited: string[];
  /** The parsed HTML of `body`. */
  document(): HTMLElement;
}

interface Cookie {
  name: string;
  value: string;
  /** Host the cookie belongs to; with hostOnly false, also its subdomains. */
  domain: string;
  hostOnly: boolean;
  path: string;
  /** Epoch ms; undefined for a session cookie (lives as long as this browser). */
  expires?: number;
  secure: boolean;
  httpOnly: boolean;
  sameSite?: string;
}

const MAX_REDIRECTS = 20;

export class Browser {
  private cookies: Cookie[] = [];

  /**
   * @param providerOrigins origins this browser may visit (the token service and the login UI);
   *   a redirect anywhere else stops the navigation.
   * @param now clock for cookie expiry.
   */
  constructor(private readonly providerOrigins: string[], private readonly now: () => number = Date.now) {}

  /** Navigates to `url` as if typed into the address bar, following redirects. */
  get(url: string | URL): Promise<Page> {
    return this.navigate(new URL(url), { method: 'GET' }, []);
  }

  /**
   * Fills in and submits a form of `page`, like a person clicking a button.
   *
   * @param formSelector CSS selector of the form; by default the form that holds `button`, or the
   *   page's only form.
   * @param fields values to type in (by input name); hidden inputs keep their values.
   * @param button the text (or value) of the submit button to click; by default the first one.
   */
  async submit(page: Page, formSelector: string | undefined, fields: Record<string, string>, button?: string | RegExp): Promise<Page> {
    const doc = page.document();
    const forms = formSelector ? doc.querySelectorAll(formSelector) : doc.querySelectorAll('form');
    const candidates = button === undefined ? forms : forms.filter((f) => findButton(f, button));
    if (candidates.length !== 1) {
      throw new Error(`expected one form${formSelector ? ` matching ${formSelector}` : ''}${button ? ` with a button ${String(button)}` : ''} on ${page.url}, found ${candidates.length}`);
    }
    const form = candidates[0];
    const clicked = button === undefined ? submitButtons(form)[0] : findButton(form, button);
    if (button !== undefined && !clicked) throw new Error(`no button ${String(button)} on ${page.url}`);

    const data = new URLSearchParams();
    const named = new Set(Object.keys(fields));
    for (const [name, value] of successfulControls(form)) if (!named.has(name)) data.append(name, value);
    for (const [name, value] of Object.entries(fields)) data.append(name, value);
    const buttonName = clicked?.getAttribute('name');
    if (clicked && buttonName) data.append(buttonName, clicked.getAttribute('value') ?? '');

    const action = new URL(clicked?.getAttribute('formaction') ?? form.getAttribute('action') ?? page.url, page.url);
    const method = (clicked?.getAttribute('formmethod') ?? form.getAttribute('method') ?? 'GET').toUpperCase();
    if (method === 'GET') {
      action.search = data.toString();
      return this.navigate(action, { method: 'GET' }, []);
    }
    return this.navigate(action, {
      method: 'POST',
      body: data.toString(),
      contentType: 'application/x-www-form-urlencoded',
      origin: new URL(page.url).origin,
      referer: page.url,
    }, []);
  }

  /** The cookies this browser would send to `url` (for assertions about the cookie jar). */
  cookiesFor(url: string | URL): { name: string; value: string; httpOnly: boolean; sameSite?: string }[] {
    return this.matching(new URL(url)).map(({ name, value, httpOnly, sameSite }) => ({ name, value, httpOnly, sameSite }));
  }

  private async navigate(
    url: URL,
    request: { method: string; body?: string; contentType?: string; origin?: string; referer?: string },
    visited: string[],
  ): Promise<Page> {
    if (visited.length > MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects: ${visited.join(' → ')}`);
    if (!this.providerOrigins.includes(url.origin)) {
      throw new Error(`the browser was sent to ${url.href}, outside the provider, before any page loaded`);
    }
    visited.push(url.href);
    const headers: Record<string, string> = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8', 'user-agent': 'tessera-e2e-browser' };
    const cookie = this.matching(url).map((c) => `${c.name}=${c.value}`).join('; ');
    if (cookie) headers.cookie = cookie;
    if (request.contentType) headers['content-type'] = request.contentType;
    if (request.origin) headers.origin = request.origin;
    if (request.referer) headers.referer = request.referer;
    const res = await fetch(url, { method: request.method, headers, body: request.body, redirect: 'manual' });
    for (const header of res.headers.getSetCookie()) this.store(url, header);

    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      await res.arrayBuffer();
      const next = new URL(location, url);
      if (!this.providerOrigins.includes(next.origin)) {
        return this.page(url, res, '', visited, next);
      }
      // 307/308 repeat the request; 301/302/303 after a POST become a GET (Fetch standard §4.4).
      const repeat = res.status === 307 || res.status === 308;
      return this.navigate(next, repeat ? { ...request, origin: url.origin } : { method: 'GET', referer: url.href }, visited);
    }
    return this.page(url, res, await res.text(), visited);
  }

  private page(url: URL, res: Response, body: string, visited: string[], redirectedTo?: URL): Page {
    let parsed: HTMLElement | undefined;
    return {
      url: url.href,
      status: res.status,
      headers: res.headers,
      body,
      redirectedTo,
      visited: [...visited],
      document: () => (parsed ??= parse(body)),
    };
  }

  /** RFC 6265 §5.2–5.3, as much of it as a test needs: Domain, Path, Max-Age, Expires, Secure, HttpOnly, SameSite. */
  private store(url: URL, header: string): void {
    const [pair, ...attributes] = header.split(';');
    const eq = pair.indexOf('=');
    if (eq < 1) return;
    const cookie: Cookie = {
      name: pair.slice(0, eq).trim(),
      value: pair.slice(eq + 1).trim(),
      domain: url.hostname,
      hostOnly: true,
      path: defaultPath(url),
      secure: false,
      httpOnly: false,
    };
    let maxAge: number | undefined;
    let expires: number | undefined;
    for (const attribute of attributes) {
      const i = attribute.indexOf('=');
      const key = (i < 0 ? attribute : attribute.slice(0, i)).trim().toLowerCase();
      const value = i < 0 ? '' : attribute.slice(i + 1).trim();
      if (key === 'max-age' && /^-?\d+$/.test(value)) maxAge = Number(value);
      else if (key === 'expires' && !Number.isNaN(Date.parse(value))) expires = Date.parse(value);
      else if (key === 'domain' && value) {
        const domain = value.replace(/^\./, '').toLowerCase();
        // A host may set a cookie for itself or a parent domain, never for another host.
        if (!domainMatches(url.hostname, domain)) return;
        cookie.domain = domain;
        cookie.hostOnly = false;
      } else if (key === 'path' && value.startsWith('/')) cookie.path = value;
      else if (key === 'secure') cookie.secure = true;
      else if (key === 'httponly') cookie.httpOnly = true;
      else if (key === 'samesite') cookie.sameSite = value.toLowerCase();
    }
    // Browsers refuse a Secure cookie from an insecure origin, except from the loopback host.
    if (cookie.secure && !isTrustworthy(url)) return;
    // Max-Age wins over Expires (RFC 6265 §5.3 step 3).
    cookie.expires = maxAge !== undefined ? this.now() + maxAge * 1000 : expires;

    this.cookies = this.cookies.filter((c) => !(c.name === cookie.name && c.domain === cookie.domain && c.path === cookie.path));
    if (cookie.expires === undefined || cookie.expires > this.now()) this.cookies.push(cookie);
  }

  private matching(url: URL): Cookie[] {
    const now = this.now();
    this.cookies = this.cookies.filter((c) => c.expires === undefined || c.expires > now);
    return this.cookies
      .filter((c) => (c.hostOnly ? c.domain === url.hostname : domainMatches(url.hostname, c.domain)))
      .filter((c) => pathMatches(url.pathname, c.path))
      .filter((c) => !c.secure || isTrustworthy(url))
      // Longer paths first (RFC 6265 §5.4 step 2).
      .sort((a, b) => b.path.length - a.path.length);
  }
}

function defaultPath(url: URL): string {
  const path = url.pathname;
  if (!path.startsWith('/') || path.lastIndexOf('/') === 0) return '/';
  return path.slice(0, path.lastIndexOf('/'));
}

function domainMatches(host: string, domain: string): boolean {
  return host === domain || (host.endsWith(`.${domain}`) && !/^\d+\.\d+\.\d+\.\d+$/.test(host));
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

function isTrustworthy(url: URL): boolean {
  return url.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

function submitButtons(form: HTMLElement): HTMLElement[] {
  return form.querySelectorAll('button, input').filter((el) => {
    const type = (el.getAttribute('type') ?? (el.tagName === 'BUTTON' ? 'submit' : 'text')).toLowerCase();
    return type === 'submit' || (el.tagName === 'INPUT' && type === 'image');
  });
}

function findButton(form: HTMLElement, label: string | RegExp): HTMLElement | undefined {
  const matches = (text: string) => (typeof label === 'string' ? text.trim() === label : label.test(text.trim()));
  return submitButtons(form).find((b) => matches(b.tagName === 'BUTTON' ? b.text : b.getAttribute('value') ?? ''));
}

/** The form's successful controls (HTML §4.10.21.4), without the buttons: the clicked one is added by the caller. */
function successfulControls(form: HTMLElement): [string, string][] {
  const out: [string, string][] = [];
  for (const el of form.querySelectorAll('input, select, textarea')) {
    const name = el.getAttribute('name');
    if (!name || el.hasAttribute('disabled')) continue;
    if (el.tagName === 'INPUT') {
      const type = (el.getAttribute('type') ?? 'text').toLowerCase();
      if (['submit', 'image', 'button', 'reset', 'file'].includes(type)) continue;
      if ((type === 'checkbox' || type === 'radio') && !el.hasAttribute('checked')) continue;
      out.push([name, el.getAttribute('value') ?? (type === 'checkbox' || type === 'radio' ? 'on' : '')]);
    } else if (el.tagName === 'SELECT') {
      const options = el.querySelectorAll('option');
      const chosen = options.find((o) => o.hasAttribute('selected')) ?? options[0];
      if (chosen) out.push([name, chosen.getAttribute('value') ?? chosen.text]);
    } else {
      out.push([name, el.text]);
    }
  }
  return out;
}
