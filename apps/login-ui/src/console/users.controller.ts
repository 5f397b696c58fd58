import { Body, Get, Inject, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ADMIN_ROLE, AdminUser, AdminUserWithPassword, Page } from '@tessera/contracts';
import type { Request, Response } from 'express';
import { CsrfGuard } from '../security/csrf.guard';
import { AdminApiClient } from './admin-api.client';
import { Admin } from './console-auth.guard';
import { ConsoleController } from './console-controller.decorator';
import { AdminApiPageError } from './console-errors';
import { checkboxField, FormBody, FormProblems, refusedForm, textField } from './console-form.rule';
import { pageUrlsOf } from './console-paging';
import type { ConsoleSession } from './console-session';
import { ConsoleView } from './console-view';
import {
  isLocked, NEW_USER_FIELDS, newUserBody, NewUserForm, PROFILE_FIELDS, PROFILE_TEXT_FIELDS, profileChanges, ProfileForm, profileFormOf,
  readNewUserForm, readProfileForm, rolesWith, userFieldOf,
} from './user-form.rule';

const USERS_API = 'login-ui';
const BLANK_USER: NewUserForm = { username: '', name: '', email: '', password: '', generate: false, admin: false };
const DISABLED_FILTERS = [
  { value: '', label: 'Everyone' },
  { value: 'false', label: 'Enabled accounts' },
  { value: 'true', label: 'Disabled accounts' },
] as const;

type Refusal = FormProblems & { status: number };

/** How the profile form presents each claim (OIDC Core §5.1 names). */
const PROFILE_INPUTS: Record<(typeof PROFILE_TEXT_FIELDS)[number], { label: string; type: string; hint?: string }> = {
  name: { label: 'Full name', type: 'text' },
  given_name: { label: 'Given name', type: 'text' },
  family_name: { label: 'Family name', type: 'text' },
  email: { label: 'Email', type: 'email', hint: 'A new address starts unverified.' },
  picture: { label: 'Picture URL', type: 'url' },
  locale: { label: 'Locale', type: 'text', hint: 'A BCP 47 language tag, such as en-GB.' },
  zoneinfo: { label: 'Time zone', type: 'text', hint: 'An IANA time zone, such as Europe/Paris.' },
};

/**
 * The users pages: the directory (search, filter by disabled, paged), a new account, and a person's
 * page: profile claims, the admin role, disable/enable, a password reset, unlock, and their sessions.
 * Everything goes through the login UI's own users API with the administrator's token.
 */
@ConsoleController('/users')
export class UsersController {
  constructor(@Inject(AdminApiClient) private readonly api: AdminApiClient, @Inject(ConsoleView) private readonly view: ConsoleView) {}

  @Get()
  async list(@Admin() admin: ConsoleSession, @Query() query: FormBody, @Req() req: Request, @Res() res: Response): Promise<void> {
    const q = textField(query, 'q').trim();
    const disabled = DISABLED_FILTERS.find((filter) => filter.value === textField(query, 'disabled'))?.value ?? '';
    const page = await this.api.get<Page<AdminUser>>(admin, '/users', { q, disabled, cursor: textField(query, 'cursor') }, USERS_API);
    const { next, first } = pageUrlsOf(req, page.next_cursor);
    const now = Date.now();
    await this.view.render(req, res, 'users/list', {
      title: 'Users',
      section: 'users',
      q,
      filtered: q !== '' || disabled !== '',
      filters: DISABLED_FILTERS.map((filter) => ({ ...filter, selected: filter.value === disabled })),
      users: page.items.map((user) => ({ ...user, isAdmin: user.roles.includes(ADMIN_ROLE), locked: isLocked(user, now) })),
      nextUrl: next,
      firstUrl: first,
    });
  }

  @Get('new')
  async newForm(@Admin() _admin: ConsoleSession, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.renderNewForm(req, res, BLANK_USER);
  }

  @Post()
  @UseGuards(CsrfGuard)
  async create(@Admin() admin: ConsoleSession, @Body() body: FormBody, @Req() req: Request, @Res() res: Response): Promise<void> {
    const form = readNewUserForm(body);
    let user: AdminUser | AdminUserWithPassword;
    try {
      user = await this.api.post<AdminUser | AdminUserWithPassword>(admin, '/users', newUserBody(form), USERS_API);
    } catch (err) {
      await this.renderNewForm(req, res, form, refusedForm(err, userFieldOf(NEW_USER_FIELDS), NEW_USER_FIELDS));
      return;
    }
    if ('generated_password' in user) {
      await this.renderPassword(req, res, user, 'User created');
      return;
    }
    await this.view.redirect(res, userPath(user.id), { kind: 'success', text: `User ${user.username} created.` });
  }

  @Get(':id')
  async show(@Admin() admin: ConsoleSession, @Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const user = await this.user(admin, id);
    await this.renderUser(req, res, admin, user, profileFormOf(user));
  }

  @Post(':id/profile')
  @UseGuards(CsrfGuard)
  async updateProfile(@Admin() admin: ConsoleSession, @Param('id') id: string, @Body() body: FormBody, @Req() req: Request, @Res() res: Response): Promise<void> {
    const user = await this.user(admin, id);
    const form = readProfileForm(body);
    const changes = profileChanges(form, user);
    if (Object.keys(changes).length === 0) {
      await this.view.redirect(res, userPath(id), { kind: 'success', text: 'Nothing was changed.' });
      return;
    }
    try {
      await this.api.patch(admin, apiPath(id), changes, USERS_API);
    } catch (err) {
      await this.renderUser(req, res, admin, user, form, refusedForm(err, userFieldOf(PROFILE_FIELDS), PROFILE_FIELDS));
      return;
    }
    await this.view.redirect(res, userPath(id), { kind: 'success', text: 'Profile saved.' });
  }

  @Post(':id/roles')
  @UseGuards(CsrfGuard)
  async setRoles(@Admin() admin: ConsoleSession, @Param('id') id: string, @Body() body: FormBody, @Res() res: Response): Promise<void> {
    const user = await this.user(admin, id);
    const roles = rolesWith(user.roles, checkboxField(body, 'admin'));
    await this.act(res, id, () => this.api.put(admin, `${apiPath(id)}/roles`, { roles }, USERS_API), 'Roles saved.');
  }

  @Post(':id/disable')
  @UseGuards(CsrfGuard)
  async disable(@Admin() admin: ConsoleSession, @Param('id') id: string, @Res() res: Response): Promise<void> {
    await this.act(res, id, () => this.api.post(admin, `${apiPath(id)}/disable`, undefined, USERS_API),
      'Account disabled: its sessions have ended and its tokens are revoked.');
  }

  @Post(':id/enable')
  @UseGuards(CsrfGuard)
  async enable(@Admin() admin: ConsoleSession, @Param('id') id: string, @Res() res: Response): Promise<void> {
    await this.act(res, id, () => this.api.post(admin, `${apiPath(id)}/enable`, undefined, USERS_API), 'Account enabled: the person can sign in again.');
  }

  @Post(':id/unlock')
  @UseGuards(CsrfGuard)
  async unlock(@Admin() admin: ConsoleSession, @Param('id') id: string, @Res() res: Response): Promise<void> {
    await this.act(res, id, () => this.api.post(admin, `${apiPath(id)}/unlock`, undefined, USERS_API), 'Account unlocked.');
  }

  @Post(':id/password')
  @UseGuards(CsrfGuard)
  async resetPassword(@Admin() admin: ConsoleSession, @Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const user = await this.api.post<AdminUserWithPassword>(admin, `${apiPath(id)}/password`, { generate: true }, USERS_API);
    await this.renderPassword(req, res, user, 'New password');
  }

  private user(admin: ConsoleSession, id: string): Promise<AdminUser> {
    return this.api.get<AdminUser>(admin, apiPath(id), {}, USERS_API);
  }

  /** An action of the person's page, then back there (PRG); a refusal such as "not your own account" (409) as the flash. */
  private async act(res: Response, id: string, call: () => Promise<unknown>, done: string): Promise<void> {
    try {
      await call();
    } catch (err) {
      if (!(err instanceof AdminApiPageError && err.status === 409)) throw err;
      await this.view.redirect(res, userPath(id), { kind: 'error', text: err.body.message });
      return;
    }
    await this.view.redirect(res, userPath(id), { kind: 'success', text: done });
  }

  private async renderNewForm(req: Request, res: Response, form: NewUserForm, problems?: Refusal): Promise<void> {
    // The typed password is never written back into the page.
    await this.view.render(req, res, 'users/new', { title: 'New user', section: 'users', form: { ...form, password: '' }, ...problems }, problems?.status ?? 200);
  }

  private async renderUser(req: Request, res: Response, admin: ConsoleSession, user: AdminUser, form: ProfileForm, problems?: Refusal): Promise<void> {
    const href = userPath(user.id);
    const label = user.name ? `${user.name} (${user.username})` : user.username;
    await this.view.render(req, res, 'users/show', {
      title: user.username,
      section: 'users',
      user,
      profileFields: PROFILE_TEXT_FIELDS.map((name) => ({
        name, ...PROFILE_INPUTS[name], value: form[name], error: problems?.errors[name], focus: problems?.firstError === name,
      })),
      emailVerified: form.email_verified,
      href,
      self: user.id === admin.sub,
      isAdmin: user.roles.includes(ADMIN_ROLE),
      locked: isLocked(user, Date.now()),
      sessionsHref: `/admin/sessions?${new URLSearchParams({ subject: user.id })}`,
      actions: {
        disable: `${href}/disable`,
        password: `${href}/password`,
      },
      disableQuestion: `Disable ${label}? Every session of theirs ends and every token they hold is revoked at once, and they cannot sign in until the account is enabled again.`,
      passwordQuestion: `Set a new, generated password for ${label}? Their current password stops working; the new one is shown once, for you to hand over.`,
      ...problems,
    }, problems?.status ?? 200);
  }

  private async renderPassword(req: Request, res: Response, user: AdminUserWithPassword, title: string): Promise<void> {
    await this.view.render(req, res, 'users/password', { title, section: 'users', user, href: userPath(user.id) });
  }
}

function userPath(id: string): string {
  return `/admin/users/${encodeURIComponent(id)}`;
}

function apiPath(id: string): string {
  return `/users/${encodeURIComponent(id)}`;
}
