import { Controller, Get, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { answerNotFound } from '../http/not-found.filter';
import { StatusLists } from './status-lists.service';

/** Status List Tokens over HTTP (draft-ietf-oauth-status-list §8). */
@Controller('oauth2/status-lists')
export class StatusListController {
  constructor(private readonly statusLists: StatusLists) {}

  @Get(':id')
  async statusList(@Param('id') id: string, @Res() res: Response): Promise<void> {
    const found = await this.statusLists.statusListToken(id, Date.now());
    if (!found) return answerNotFound(res);
    // §8.2: cacheable for ttl; Age lets a cache count the time the token spent in ours (RFC 9111 §4.2.3).
    res.setHeader('Cache-Control', `public, max-age=${found.ttl}`);
    res.setHeader('Age', String(found.ageSeconds));
    res.setHeader('Content-Type', 'application/statuslist+jwt');
    res.status(200).end(found.token);
  }
}
