import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { matchesEtag } from '../http/conditional-get';
import type { StaticDocument } from '../http/well-known-fast-path';
import { SigningKeys } from './signing-keys.service';

/**
 * The JWKS as published now: body and ETag are computed by SigningKeys when the keys load, never
 * per request. The public listener answers the exact path from this before Express
 * (http/well-known-fast-path.ts, wired in main.ts); the route below serves what that one declines
 * (a trailing slash, another case), from the same document.
 */
export function jwksDocument(keys: SigningKeys): StaticDocument {
  const { body, etag } = keys.jwks();
  // Derived from the key schedule: never cached past the next change of the published set.
  return { body, etag, cacheControl: keys.jwksCacheControl() };
}

@Controller()
export class JwksController {
  constructor(@Inject(SigningKeys) private readonly keys: SigningKeys) {}

  @Get('/.well-known/jwks.json')
  jwks(@Req() req: Request, @Res() res: Response): void {
    const { body, etag, cacheControl } = jwksDocument(this.keys);
    res.setHeader('Cache-Control', cacheControl);
    res.setHeader('ETag', etag);
    if (matchesEtag(req.headers['if-none-match'], etag)) {
      res.status(304).end();
      return;
    }
    res.setHeader('Content-Type', 'application/json');
    res.status(200).end(body);
  }
}
