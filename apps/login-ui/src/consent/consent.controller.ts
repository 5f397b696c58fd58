import { Body, Controller, Get, Inject, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CsrfGuard } from '../security/csrf.guard';
import { Csrf } from '../security/csrf.service';
import { challengeParam } from '../token-service/challenge-param';
import { ConsentFlow } from './consent.flow';

interface ConsentForm {
  consent_challenge?: string;
  decision?: string;
  remember?: string;
}

@Controller('consent')
export class ConsentController {
  constructor(@Inject(ConsentFlow) private readonly flow: ConsentFlow, @Inject(Csrf) private readonly csrf: Csrf) {}

  @Get()
  async show(@Query('consent_challenge') challenge: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    res.render('consent', await this.flow.form(challengeParam(challenge), this.csrf.tokenFor(req, res)));
  }

  @Post()
  @UseGuards(CsrfGuard)
  async submit(@Body() form: ConsentForm, @Res() res: Response): Promise<void> {
    const allow = form.decision === 'allow';
    res.redirect(303, await this.flow.decide(challengeParam(form.consent_challenge), allow, allow && form.remember === 'on'));
  }
}
