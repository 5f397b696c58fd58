import { Body, Get, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CsrfGuard } from '../security/csrf.guard';
import { ConsoleController } from './console-controller.decorator';
import { ConsoleView } from './console-view';
import { TokenInspector } from './token-inspector';

/**
 * `/admin/inspect`: paste a token, see its header and claims, whether its signature verifies and
 * with which key, its expiry and whether Tessera still accepts it. A POST, so the token never
 * travels in a URL; it is not written back into the page, nor logged.
 */
@ConsoleController('/inspect')
export class InspectController {
  constructor(@Inject(TokenInspector) private readonly inspector: TokenInspector, @Inject(ConsoleView) private readonly view: ConsoleView) {}

  @Get()
  async form(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.view.render(req, res, 'inspect', { title: 'Token inspector', section: 'inspect' });
  }

  @Post()
  @HttpCode(200)
  @UseGuards(CsrfGuard)
  async inspect(@Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    const inspection = await this.inspector.inspect(typeof body.token === 'string' ? body.token : '');
    await this.view.render(req, res, 'inspect', { title: 'Token inspector', section: 'inspect', inspection }, inspection.ok ? 200 : 400);
  }
}
