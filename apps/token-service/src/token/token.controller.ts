import { All, Body, Controller, Header, Headers, HttpCode, Post, Req, Res, UseFilters } from '@nestjs/common';
import { InvalidRequest, OAuthError } from '@tessera/contracts';
import type { Request, Response } from 'express';
import { OAuthJsonFilter } from '../http/oauth-json.filter';
import { TokenEndpoint } from './token-endpoint';
import { TokenResponse } from './token-issuer';

/**
 * The token endpoint (RFC 6749 §3.2) as a Nest route. Most requests are answered before Express by
 * http/token-fast-path.ts through the same TokenEndpoint; this route takes the rest (other content
 * types, a path spelled differently, other methods) and every request while the fast path is off.
 */
@Controller('oauth2')
@UseFilters(OAuthJsonFilter)
export class TokenController {
  constructor(private readonly endpoint: TokenEndpoint) {}

  @Post('token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  async token(@Req() req: Request, @Headers('authorization') authorization: string | undefined, @Body() body: unknown): Promise<TokenResponse> {
    return this.endpoint.respond(authorization, formBody(req, body));
  }

  @All('token')
  otherMethod(@Res({ passthrough: true }) res: Response): never {
    return refuseNonPost(res);
  }
}

/**
 * RFC 6749 §3.2 (token), RFC 7662 §2.1 (introspection): POST only. Any other method gets the
 * standard JSON error with 405 and Allow, not a framework 404 that quotes the request URL.
 */
export function refuseNonPost(res: Response): never {
  res.setHeader('Allow', 'POST');
  throw new OAuthError('invalid_request', 'this endpoint accepts POST only', 405);
}

/** RFC 6749 §3.2: the token endpoint takes application/x-www-form-urlencoded, nothing else. */
export function formBody(req: Request, body: unknown): Record<string, unknown> {
  return formParams(Boolean(req.is(FORM_TYPE)), body);
}

export const FORM_TYPE = 'application/x-www-form-urlencoded';

/** formBody for a request whose content type was already tested. */
export function formParams(isForm: boolean, body: unknown): Record<string, unknown> {
  if (!isForm || typeof body !== 'object' || body === null) {
    throw new InvalidRequest('the request body must be application/x-www-form-urlencoded');
  }
  return body as Record<string, unknown>;
}
