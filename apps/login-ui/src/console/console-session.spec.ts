import type { CookieOptions, Request, Response } from 'express';
import { ConsoleSession, ConsoleSessions } from './console-session';

/** What a browser would keep of the cookies set on `res`, and send back as `req.cookies`. */
class Jar {
  readonly cookies: Record<string, string> = {};
  readonly options: Record<string, CookieOptions> = {};
  readonly res = {
    cookie: (name: string, value: string, options: CookieOptions) => { this.cookies[name] = value; this.options[name] = options; },
    clearCookie: (name: string) => { delete this.cookies[name]; },
  } as unknown as Response;

  get req(): Request {
    return { cookies: { ...this.cookies } } as unknown as Request;
  }
}

const SECRET = 's'.repeat(43);
const now = Date.parse('2026-11-28T10:00:00Z');
const session: ConsoleSession = { sub: 'u1', name: 'Ada', admin: true, accessToken: 'a'.repeat(1200), idToken: 'i'.repeat(1000), expiresAt: now + 900_000 };

function sessions(secureCookies = false, secret = SECRET): ConsoleSessions {
  const made = new ConsoleSessions({ loginUiSecret: secret, secureCookies });
  made.now = () => now;
  return made;
}

describe('ConsoleSessions (the console\'s sealed cookies)', () => {
  it('keeps the session until the access token expires, sealed and HttpOnly, for /admin only over http', async () => {
    const jar = new Jar();
    await sessions().start(jar.res, session);
    expect(jar.cookies.tessera_console).not.toContain('Ada');
    expect(jar.options.tessera_console).toEqual({ httpOnly: true, sameSite: 'lax', secure: false, path: '/admin', maxAge: 900_000 });
    expect(await sessions().read(jar.req)).toEqual(session);
  });

  it('uses __Host- cookies with Path=/ over https', async () => {
    const jar = new Jar();
    await sessions(true).start(jar.res, session);
    expect(jar.options['__Host-tessera_console']).toMatchObject({ secure: true, path: '/' });
    expect(await sessions(true).read(jar.req)).toEqual(session);
  });

  it.each<[string, (jar: Jar) => void, () => ConsoleSessions]>([
    ['no cookie', (jar) => delete jar.cookies.tessera_console, () => sessions()],
    ['a tampered cookie', (jar) => { const v = jar.cookies.tessera_console; jar.cookies.tessera_console = v.slice(0, -5) + (v.endsWith('AAAAA') ? 'BBBBB' : 'AAAAA'); }, () => sessions()],
    ['a cookie sealed under another LOGIN_UI_SECRET', () => undefined, () => sessions(false, 't'.repeat(43))],
    ['the sign-in cookie in place of the session', (jar) => { jar.cookies.tessera_console = jar.cookies.tessera_console_signin; }, () => sessions()],
    ['an expired session', () => undefined, () => { const later = sessions(); later.now = () => session.expiresAt + 1; return later; }],
  ])('reads no session from %s', async (_name, spoil, reader) => {
    const jar = new Jar();
    await sessions().start(jar.res, session);
    await sessions().startSignIn(jar.res, { transaction: 'tx', returnTo: '/admin/keys' });
    spoil(jar);
    expect(await reader().read(jar.req)).toBeNull();
  });

  it('hands the sign-in in progress back once', async () => {
    const jar = new Jar();
    await sessions().startSignIn(jar.res, { transaction: 'tx', returnTo: '/admin/keys' });
    expect(await sessions().takeSignIn(jar.req, jar.res)).toEqual({ transaction: 'tx', returnTo: '/admin/keys' });
    expect(await sessions().takeSignIn(jar.req, jar.res)).toBeNull();
  });

  it('shows a flash message once', async () => {
    const jar = new Jar();
    await sessions().flash(jar.res, { kind: 'success', text: 'Key k2 is published.' });
    expect(await sessions().takeFlash(jar.req, jar.res)).toEqual({ kind: 'success', text: 'Key k2 is published.' });
    expect(await sessions().takeFlash(jar.req, jar.res)).toBeNull();
  });

  it('refuses a session that would not fit in a cookie, rather than losing it', async () => {
    await expect(sessions().start(new Jar().res, { ...session, accessToken: 'a'.repeat(3000) })).rejects.toThrow(/too large/);
  });

  it('refuses a token that has already expired', async () => {
    await expect(sessions().start(new Jar().res, { ...session, expiresAt: now })).rejects.toThrow(/expired/);
  });
});
