import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { TOKEN_SERVICE_CONFIG, TokenServiceConfig } from '../config/token-service.config';
import { SigningKeys } from './signing-keys.service';

/** The hottest endpoint: the body and its ETag are computed when the keys load, never per request. */
@Controller()
export class JwksController {
  private readonly cacheControl: string;

  constructor(
    @Inject(SigningKeys) private readonly keys: SigningKeys,
    @Inject(TOKEN_SERVICE_CONFIG) config: TokenServiceConfig,
  ) {
    this.cacheControl = `public, max-age=${config.ttl.jwksCache}`;
  }

  @Get('/.well-known/jwks.json')
  jwks(@Req() req: Request, @Res() res: Response): void {
    const { body, etag } = this.keys.jwks();
    res.setHeader('Cache-Control', this.cacheControl);
    res.setHeader('ETag', etag);
    if (matchesEtag(req.headers['if-none-match'], etag)) {
      res.status(304).end();
      return;
    }
    res.setHeader('Content-Type', 'application/json');
    res.status(200).end(body);
  }
}

/** If-None-Match uses the weak comparison (RFC 9110 §13.1.2): a `W/` prefix does not matter. */
function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}
