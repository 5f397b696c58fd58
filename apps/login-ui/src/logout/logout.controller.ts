import { Body, Controller, Get, Inject, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CsrfGuard } from '../security/csrf.guard';
import { Csrf } from '../security/csrf.service';
import { challengeParam } from '../token-service/challenge-param';
import { LogoutFlow } from './logout.flow';

interface LogoutForm {
  logout_challenge?: string;
  decision?: string;
}

@Controller('logout')
export class LogoutController {
  constructor(@Inject(LogoutFlow) private readonly flow: LogoutFlow, @Inject(Csrf) private readonly csrf: Csrf) {}

  @Get()
  async show(@Query('logout_challenge') challenge: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    res.render('logout', await this.flow.form(challengeParam(challenge), this.csrf.tokenFor(req, res)));
  }

  @Post()
  @UseGuards(CsrfGuard)
  async submit(@Body() form: LogoutForm, @Res() res: Response): Promise<void> {
    res.redirect(303, await this.flow.decide(challengeParam(form.logout_challenge), form.decision === 'accept'));
  }
}
