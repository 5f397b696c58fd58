import { Controller, Get, Inject, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CsrfGuard } from '../security/csrf.guard';
import { ConsoleFilter } from './console.filter';
import { attachConsoleSession, ConsoleSessions } from './console-session';
import { ConsoleSignIn } from './console-sign-in';
import { ConsoleView } from './console-view';

/**
 * The console's way in and out, open to anyone: `/admin/login` starts a sign-in through Tessera,
 * `/admin/callback` completes it, `/admin/logout` (a confirmation, then a CSRF-checked POST) ends
 * the console session and sends the browser to Tessera's RP-initiated logout, which ends the SSO
 * session too and comes back to `/admin/signed-out`.
 */
@Controller('admin')
@UseFilters(ConsoleFilter)
export class ConsoleSignInController {
  constructor(
    @Inject(ConsoleSignIn) private readonly signIn: ConsoleSignIn,
    @Inject(ConsoleSessions) private readonly sessions: ConsoleSessions,
    @Inject(ConsoleView) private readonly view: ConsoleView,
  ) {}

  @Get('login')
  async login(@Res() res: Response): Promise<void> {
    res.redirect(303, await this.signIn.start(res, '/admin'));
  }

  @Get('callback')
  async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    res.redirect(303, await this.signIn.finish(req, res));
  }

  @Get('logout')
  async confirmLogout(@Req() req: Request, @Res() res: Response): Promise<void> {
    const session = await this.sessions.read(req);
    if (!session) {
      res.redirect(303, '/admin/signed-out');
      return;
    }
    attachConsoleSession(req, session);
    await this.view.render(req, res, 'logout', { title: 'Sign out' });
  }

  @Post('logout')
  @UseGuards(CsrfGuard)
  async logout(@Req() req: Request, @Res() res: Response): Promise<void> {
    const session = await this.sessions.read(req);
    this.sessions.end(res);
    res.redirect(303, session ? (await this.signIn.logoutUrl(session)).href : '/admin/signed-out');
  }

  @Get('signed-out')
  async signedOut(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.view.render(req, res, 'signed-out', { title: 'Signed out' });
  }
}
