import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { Request, Response } from 'express';
import hbs from 'hbs';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Csrf } from '../security/csrf.service';
import { ConsoleSessions, consoleSessionOf } from './console-session';

/** The console's sections, in the order of the navigation. */
export const CONSOLE_NAV = [
  { key: 'dashboard', href: '/admin', label: 'Dashboard' },
  { key: 'clients', href: '/admin/clients', label: 'Clients' },
  { key: 'users', href: '/admin/users', label: 'Users' },
  { key: 'sessions', href: '/admin/sessions', label: 'Sessions' },
  { key: 'keys', href: '/admin/keys', label: 'Keys' },
  { key: 'audit', href: '/admin/audit', label: 'Audit log' },
  { key: 'registration-tokens', href: '/admin/registration-tokens', label: 'Access tokens for registration' },
  { key: 'inspect', href: '/admin/inspect', label: 'Token inspector' },
] as const;
export type ConsoleSection = (typeof CONSOLE_NAV)[number]['key'];

/** What every console page gets besides its own data. */
export interface ConsolePage {
  /** The `<title>` and, usually, the `<h1>`. */
  title: string;
  /** The section to mark as current in the navigation; none on the sign-in pages. */
  section?: ConsoleSection;
  [name: string]: unknown;
}

// Next to src/ in the repository and next to the built main's folder in dist/ (nest-cli.json assets).
const PARTIALS = join(__dirname, '..', '..', 'views', 'admin', 'partials');
const LAYOUT = 'layouts/admin';

/**
 * Renders console pages (views/admin/*.hbs) in the admin layout with the signed-in administrator,
 * the navigation, a CSRF token for the page's forms (`{{> csrf}}`) and the flash message the
 * previous request left (Post/Redirect/Get). Registers the console's partials as `admin/<name>`
 * and its helpers (`time`, `eq`, `or`, `concat`, `encode`, `json`) once, when the module starts.
 *
 * @example
 * await this.view.render(req, res, 'keys', { title: 'Signing keys', section: 'keys', keys });
 */
@Injectable()
export class ConsoleView implements OnModuleInit {
  constructor(@Inject(Csrf) private readonly csrf: Csrf, @Inject(ConsoleSessions) private readonly sessions: ConsoleSessions) {}

  onModuleInit(): void {
    registerConsoleViews();
  }

  async render(req: Request, res: Response, view: string, page: ConsolePage, status = 200): Promise<void> {
    const session = consoleSessionOf(req);
    const flash = await this.sessions.takeFlash(req, res);
    res.status(status).render(`admin/${view}`, {
      ...page,
      layout: LAYOUT,
      admin: session ? { name: session.name, sub: session.sub } : undefined,
      nav: session?.admin ? CONSOLE_NAV.map((item) => ({ ...item, current: item.key === page.section })) : [],
      csrfToken: this.csrf.tokenFor(req, res),
      flash,
    });
  }

  /** Leaves a message for the next page, then redirects there (303: a GET, whatever the method was). */
  async redirect(res: Response, to: string, flash?: { kind: 'success' | 'error'; text: string }): Promise<void> {
    if (flash) await this.sessions.flash(res, flash);
    res.redirect(303, to);
  }
}

let registered = false;

function registerConsoleViews(): void {
  if (registered) return;
  registered = true;
  for (const file of readdirSync(PARTIALS)) {
    if (file.endsWith('.hbs')) hbs.handlebars.registerPartial(`admin/${file.slice(0, -'.hbs'.length)}`, readFileSync(join(PARTIALS, file), 'utf8'));
  }
  hbs.registerHelper('time', (value: unknown) => formatInstant(value));
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  // `{{#if (or a b)}}`: the last argument is Handlebars' options object.
  hbs.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
  // `(concat "/admin/keys/" kid "/revoke")`: the result is escaped where it is output, like any value.
  // A value inside a URL: `href="/admin/audit?subject={{encode sub}}"`.
  hbs.registerHelper('encode', (value: unknown) => encodeURIComponent(String(value ?? '')));
  hbs.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).map(String).join(''));
  // Pretty JSON as text: `{{json x}}` is escaped like any other value.
  hbs.registerHelper('json', (value: unknown) => JSON.stringify(value, null, 2));
}

/** Epoch ms as `2026-11-28 10:00:00 UTC`; anything else as an em dash. */
export function formatInstant(value: unknown): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  return `${new Date(value).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
