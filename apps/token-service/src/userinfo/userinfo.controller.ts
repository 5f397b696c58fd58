import { All, Controller, Req, Res, UseFilters } from '@nestjs/common';
import { InvalidRequest, InvalidToken, OAuthError } from '@tessera/contracts';
import type { Request, Response } from 'express';
import { splitScope } from '../authorize/scope.rule';
import { claimsForScope } from '../claims/claims.rule';
import { OAuthJsonFilter } from '../http/oauth-json.filter';
import { TokenLookup } from '../token/token-lookup';

/** The UserInfo endpoint (OIDC Core §5.3), a bearer-protected resource (RFC 6750). */
@Controller('oauth2')
// What is not an OAuthError (a database that is down: 503 temporarily_unavailable) is rendered as JSON there.
@UseFilters(OAuthJsonFilter)
export class UserinfoController {
  constructor(private readonly tokens: TokenLookup) {}

  @All('userinfo')
  async userinfo(@Req() req: Request, @Res() res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.status(405).setHeader('Allow', 'GET, POST').end();
      return;
    }
    try {
      const token = bearerToken(req);
      if (token === undefined) {
        // RFC 6750 §3.1: a request without credentials gets the challenge but no error code.
        res.status(401).setHeader('WWW-Authenticate', 'Bearer realm="tessera"').end();
        return;
      }
      const found = await this.tokens.accessToken(token);
      if (!found || found.kind !== 'access_token') throw new InvalidToken('the access token is invalid, expired or revoked');
      const scope = splitScope(typeof found.claims.scope === 'string' ? found.claims.scope : '');
      if (!found.grant || !scope.includes('openid')) {
        throw new OAuthError('insufficient_scope', 'the access token was not granted the openid scope', 403);
      }
      res.json({ sub: found.grant.subject, ...claimsForScope(found.grant.claims, scope) });
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      const challenge = `Bearer realm="tessera", error="${err.error}", error_description="${err.errorDescription}"`;
      res.status(err.status).setHeader('WWW-Authenticate', challenge).json(err.toJSON());
    }
  }
}

/** RFC 6750 §2.1 header or §2.2 form body, but not both (§2: exactly one method). */
function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  const body = req.method === 'POST' && req.is('application/x-www-form-urlencoded') ? (req.body as Record<string, unknown>)?.access_token : undefined;
  if (header !== undefined && body !== undefined) throw new InvalidRequest('the access token was sent in more than one way');
  if (header !== undefined) {
    const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(header);
    if (!match) throw new InvalidToken('the Authorization header is not a Bearer token');
    return match[1];
  }
  if (body === undefined) return undefined;
  if (typeof body !== 'string' || body === '') throw new InvalidRequest('access_token must be given once');
  return body;
}
