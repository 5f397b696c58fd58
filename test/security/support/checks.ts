/**
 * What every hostile-input case asserts besides its status and error code: nothing of the server's
 * insides leaks (stack traces, driver errors, file paths), nothing hostile comes back in a form that
 * a browser would run, and pages forbid inline script and framing.
 */
import { createServer, IncomingMessage, Server } from 'node:http';
import { parse } from 'node-html-parser';
import { freePorts, isPortTaken } from '../../support/free-port';

/** Text that would only be in a body if an exception's detail got through to the wire. */
const LEAK = /\bat [\w$.<>]+ \(|\bat (?:async )?\/|node_modules|\/apps\/|\.ts:\d+|QueryFailedError|SQLITE_|ER_[A-Z_]+|TypeError|ReferenceError|SyntaxError|JWSSignatureVerificationFailed|ERR_JW|"statusCode"/;

export function expectNoLeak(body: string): void {
  expect(body).not.toMatch(LEAK);
}

/** Strings that would matter if reflected raw: markup and attribute breakouts (escaped, they cannot appear verbatim). */
function isDangerous(value: string): boolean {
  return /[<>"'`]/.test(value);
}

/**
 * The page's HTML is inert: no script element, no event-handler attribute, no javascript: URL, no
 * hostile string reflected unescaped. (The reflected text may be shown, escaped, as text.)
 */
export function expectInertHtml(html: string, hostile: string[] = []): void {
  const doc = parse(html);
  expect(doc.querySelectorAll('script, iframe, object, embed, base')).toHaveLength(0);
  const offending: string[] = [];
  for (const el of doc.querySelectorAll('*')) {
    for (const [name, value] of Object.entries(el.attributes)) {
      if (/^on/i.test(name)) offending.push(`${el.tagName} ${name}`);
      if (/^(href|src|action|formaction)$/i.test(name) && /^\s*(javascript|data|vbscript):/i.test(value)) offending.push(`${el.tagName} ${name}=${value}`);
    }
  }
  expect(offending).toEqual([]);
  for (const value of hostile.filter(isDangerous)) expect(html).not.toContain(value);
  expectNoLeak(html);
}

/** CSP that blocks inline script (and so any reflected markup that slipped through) and all framing. */
export function expectPageSecurityHeaders(headers: Headers): void {
  const csp = headers.get('content-security-policy') ?? '';
  const directives = new Map(csp.split(';').map((d) => d.trim()).filter(Boolean).map((d) => {
    const [name, ...values] = d.split(/\s+/);
    return [name.toLowerCase(), values] as const;
  }));
  const scriptSources = directives.get('script-src') ?? directives.get('default-src');
  expect(scriptSources).toBeDefined();
  expect(scriptSources).not.toContain("'unsafe-inline'");
  expect(scriptSources).not.toContain("'unsafe-eval'");
  expect(scriptSources).not.toContain('*');
  expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
  expect(headers.get('x-frame-options')).toMatch(/^deny$/i);
  expect(headers.get('x-content-type-options')).toBe('nosniff');
}

export interface CountingServer {
  url: string;
  /** Every request it received, as "METHOD path". */
  requests: string[];
  close(): Promise<void>;
}

/**
 * An attacker's web server on a free loopback port: answers every request with `body` (a JWKS, a
 * certificate, a request object) and counts them, so a test can prove the issuer never called it.
 */
export async function countingServer(body: (req: IncomingMessage) => { type: string; text: string }): Promise<CountingServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const { type, text } = body(req);
    res.writeHead(200, { 'content-type': type }).end(text);
  });
  const port = await listenOnFreePort(server);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

async function listenOnFreePort(server: Server): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const [port] = await freePorts(1);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
      return port;
    } catch (err) {
      if (!isPortTaken(err) || attempt === 5) throw err;
    }
  }
}

/** A response read once, with its body as text and (when it is JSON) parsed. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json?: Record<string, unknown>;
}

export async function answerOf(res: Response): Promise<Answer> {
  const text = await res.text();
  let json: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}
