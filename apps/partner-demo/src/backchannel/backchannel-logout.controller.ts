import { Controller, Inject, Logger, Post, Req, Res, UseFilters } from '@nestjs/common';
import { backChannelLogoutHandler, createLogoutReceiver, EndedSessions, type TokenMiddleware, type Verifier } from '@tessera/rp';
import type { Request, Response } from 'express';
import { ApiErrorFilter } from '../api/api-error.filter';
import { VERIFIER } from '../tokens';

/**
 * The demo's back-channel logout URI (OpenID Connect Back-Channel Logout 1.0): Tessera posts a
 * logout token here when the person's Tessera session ends, however it ended, and the session it
 * names is remembered as ended, so its cookies sign no one in any more. Called server to server:
 * no Origin check (a POST from Tessera's back end carries none); the signed token is the proof.
 */
@Controller()
@UseFilters(ApiErrorFilter)
export class BackChannelLogoutController {
  private readonly logger = new Logger('PartnerDemo');
  private readonly handler: TokenMiddleware;

  constructor(@Inject(VERIFIER) verifier: Verifier, endedSessions: EndedSessions) {
    const receiver = createLogoutReceiver({
      verifier,
      onLogout: (event) => {
        endedSessions.end(event);
        this.logger.log(event.sid === undefined ? 'back-channel logout: every session of a person ended' : 'back-channel logout: a session ended');
      },
    });
    this.handler = backChannelLogoutHandler(receiver, {
      onRefusal: ({ status, reason }) => this.logger.warn(`back-channel logout refused with ${status}: ${reason}`),
    });
  }

  @Post('backchannel-logout')
  receive(@Req() req: Request, @Res() res: Response): Promise<void> {
    // The handler answers by itself; only an onLogout failure comes back, for the JSON error filter.
    return new Promise((resolve, reject) => {
      res.once('close', () => resolve());
      this.handler(req, res, (err) => (err === undefined ? resolve() : reject(err)));
    });
  }
}
