import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CsrfGuard } from '../security/csrf.guard';
import { Csrf } from '../security/csrf.service';
import { challengeParam } from '../token-service/challenge-param';
import { User } from '../users/users.service';
import { LocalAuthGuard } from './local.strategy';
import { LoginFlow } from './login.flow';
import { SignInBusyFilter } from './sign-in-refusals';

interface LoginForm {
  login_challenge?: string;
  username?: string;
  remember?: string;
}

@Controller('login')
export class LoginController {
  constructor(@Inject(LoginFlow) private readonly flow: LoginFlow, @Inject(Csrf) private readonly csrf: Csrf) {}

  @Get()
  async show(@Query('login_challenge') challenge: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    res.render('login', await this.flow.form(challengeParam(challenge), this.csrf.tokenFor(req, res)));
  }

  @Post()
  @HttpCode(200)
  @UseGuards(CsrfGuard, LocalAuthGuard)
  @UseFilters(SignInBusyFilter)
  async submit(@Body() form: LoginForm, @Req() req: Request, @Res() res: Response): Promise<void> {
    const challenge = challengeParam(form.login_challenge);
    const user = req.user as User | null;
    if (!user) {
      res.render('login', await this.flow.form(challenge, this.csrf.tokenFor(req, res), { username: form.username ?? '' }));
      return;
    }
    res.redirect(303, await this.flow.accept(challenge, user, form.remember === 'on'));
  }
}
