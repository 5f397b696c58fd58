import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { TOKEN_SERVICE_CONFIG, TokenServiceConfig } from '../config/token-service.config';
import { matchesEtag } from '../http/conditional-get';
import type { StaticDocument } from '../http/well-known-fast-path';
import { publishedDiscoveryDocument } from './discovery-document';

/**
 * The public listener answers the exact paths before Express (http/well-known-fast-path.ts); these
 * routes serve what that one declines, from the same document.
 */
@Controller()
export class DiscoveryController {
  private readonly document: StaticDocument;

  constructor(@Inject(TOKEN_SERVICE_CONFIG) config: TokenServiceConfig) {
    this.document = publishedDiscoveryDocument(config.issuer);
  }

  // RFC 8414 §3 clients look for the same document under its own well-known name.
  @Get(['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'])
  configuration(@Req() req: Request, @Res() res: Response): void {
    const { body, etag, cacheControl } = this.document;
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
