import { Controller, Get, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { oauthErrorPage } from './error-page';

@Controller()
export class PagesController {
  @Get()
  home(@Res() res: Response): void {
    res.render('home', { title: 'Tessera' });
  }

  @Get('logged-out')
  loggedOut(@Res() res: Response): void {
    res.render('logged-out', { title: 'You are signed out' });
  }

  @Get('error')
  error(@Query('error') error: unknown, @Query('error_description') description: unknown, @Res() res: Response): void {
    const page = oauthErrorPage(error, description);
    res.status(page.status).render('error', { title: page.headline, page });
  }
}
