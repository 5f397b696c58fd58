import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { TOKEN_SERVICE_CONFIG, TokenServiceConfig } from '../config/token-service.config';
import { discoveryDocument } from './discovery-document';

@Controller()
export class DiscoveryController {
  private readonly body: string;

  constructor(@Inject(TOKEN_SERVICE_CONFIG) config: TokenServiceConfig) {
    this.body = JSON.stringify(discoveryDocument(config.issuer));
  }

  // RFC 8414 §3 clients look for the same document under its own well-known name.
  @Get(['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'])
  configuration(@Res() res: Response): void {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.setHeader('Content-Type', 'application/json');
    res.status(200).end(this.body);
  }
}
