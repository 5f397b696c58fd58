// A small cookie-keeping HTTP client that does what a browser does during a sign-in, and no more:
// follows redirects itself, keeps cookies by host and path (RFC 6265: not by port, so on 127.0.0.1
// the token service and the login UI see each other's cookies as a real browser would), reads the
// real HTML form and posts it with its hidden inputs (the CSRF token among them). The same idea as
// test/e2e/browser.ts, cut down for the benchmark: one jar per simulated person, no expiry handling
// beyond deletion (a sign-in lasts milliseconds).
import { parse } from 'node-html-parser';

const MAX_REDIRECTS = 10;

export class Browser {
  #cookies = new Map(); // "host path name" -> { host, path, name, value }

  /** @param origins the origins this browser may load; a redirect elsewhere ends the navigation. */
  constructor(origins) {
    this.origins = origins;
  }

  /** GET `url` and follow redirects; answers { url, status, body, redirectedTo? }. */
  get(url) {
    return this.#navigate(new URL(url), { method: 'GET' }, 0);
  }

  /**
   * Submits the page's form that holds a submit button with `buttonValue` (or its only form): its
   * hidden inputs and checked boxes, then `fields`, minus the names in `omit` (an unticked box).
   */
  submit(page, { fields = {}, buttonValue, omit = [] } = {}) {
    const forms = parse(page.body).querySelectorAll('form');
    const form = buttonValue === undefined
      ? (forms.length === 1 ? forms[0] : undefined)
      : forms.find((f) => f.querySelectorAll('button').some((b) => b.getAttribute('value') === buttonValue));
    if (!form) throw new Error(`no form to submit on ${page.url} (status ${page.status})`);
    const data = new URLSearchParams();
    for (const input of form.querySelectorAll('input')) {
      const name = input.getAttribute('name');
      const type = (input.getAttribute('type') ?? 'text').toLowerCase();
      if (!name || name in fields || omit.includes(name) || type === 'submit') continue;
      if ((type === 'checkbox' || type === 'radio') && !input.hasAttribute('checked')) continue;
      data.append(name, input.getAttribute('value') ?? (type === 'checkbox' ? 'on' : ''));
    }
    for (const [name, value] of Object.entries(fields)) data.append(name, value);
    const button = buttonValue === undefined ? undefined : form.querySelectorAll('button').find((b) => b.getAttribute('value') === buttonValue);
    if (button?.getAttribute('name')) data.append(button.getAttribute('name'), buttonValue);
    const action = new URL(form.getAttribute('action') ?? page.url, page.url);
    return this.#navigate(action, { method: 'POST', body: data.toString(), origin: new URL(page.url).origin, referer: page.url }, 0);
  }

  async #navigate(url, request, hops) {
    if (hops > MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects from ${url.href}`);
    const headers = { accept: 'text/html,*/*;q=0.8', 'user-agent': 'tessera-bench-browser' };
    const cookie = this.#cookieHeader(url);
    if (cookie) headers.cookie = cookie;
    if (request.method === 'POST') {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers.origin = request.origin;
      headers.referer = request.referer;
    }
    const res = await fetch(url, { method: request.method, headers, body: request.body, redirect: 'manual' });
    for (const header of res.headers.getSetCookie()) this.#store(url, header);
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      await res.arrayBuffer();
      const next = new URL(location, url);
      if (!this.origins.includes(next.origin)) return { url: url.href, status: res.status, body: '', redirectedTo: next };
      // 302/303 after a POST become a GET (Fetch standard §4.4); nothing here answers 307/308.
      return this.#navigate(next, { method: 'GET' }, hops + 1);
    }
    return { url: url.href, status: res.status, body: await res.text() };
  }

  #store(url, header) {
    const [pair, ...attributes] = header.split(';');
    const eq = pair.indexOf('=');
    if (eq < 1) return;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    let path = '/';
    let expired = false;
    for (const attribute of attributes) {
      const [key, v = ''] = attribute.split('=').map((s) => s.trim());
      if (key.toLowerCase() === 'path' && v.startsWith('/')) path = v;
      if (key.toLowerCase() === 'max-age' && Number(v) <= 0) expired = true;
      if (key.toLowerCase() === 'expires' && Date.parse(v) <= Date.now()) expired = true;
    }
    const id = `${url.hostname} ${path} ${name}`;
    if (expired) this.#cookies.delete(id);
    else this.#cookies.set(id, { host: url.hostname, path, name, value });
  }

  #cookieHeader(url) {
    return [...this.#cookies.values()]
      .filter((c) => c.host === url.hostname && (url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`)))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }
}
