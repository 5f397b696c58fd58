import 'reflect-metadata';
import { ArgumentsHost, Catch, Controller, ExceptionFilter, Get, INestApplication, Module, Req, UseFilters, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Request, Response } from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { FakeIssuer, makeKey, signToken, startFakeIssuer, TestKey } from '../test/fake-issuer';
import { TesseraAuthError, TesseraGuard } from './nest-guard';
import { tesseraAuth } from './request-auth';
import type { TokenRequirementOptions } from './request-auth';
import { createVerifier, Verifier } from './verifier';

const NOW = 1_800_000_000;
const AUDIENCE = 'partner-app';

let issuer: FakeIssuer;
let key: TestKey;
let verifier: Verifier;
const apps: INestApplication[] = [];

beforeAll(async () => {
  key = makeKey('key-1');
  issuer = await startFakeIssuer([key]);
  verifier = createVerifier({ issuer: issuer.issuer, audience: AUDIENCE, now: () => NOW * 1000 });
  await verifier.warmUp();
});

afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  verifier.close();
  await issuer.stop();
});

const accessToken = (claims: Record<string, unknown> = {}) => signToken(
  { alg: 'RS256', kid: 'key-1', typ: 'at+jwt' },
  { iss: issuer.issuer, sub: 'user-42', aud: AUDIENCE, client_id: AUDIENCE, scope: 'openid', jti: 'j1', iat: NOW - 10, exp: NOW + 300, ...claims },
  key.privateKey,
);

/** Renders the guard's refusals as the RFC 6750 body, as a partner app would. */
@Catch(TesseraAuthError)
class Rfc6750Filter implements ExceptionFilter {
  catch(err: TesseraAuthError, host: ArgumentsHost): void {
    host.switchToHttp().getResponse<Response>().status(err.statusCode).json({ error: err.error, error_description: err.error_description });
  }
}

/** A Nest app with `GET /me` behind `new TesseraGuard(...)`, optionally with the filter above. */
async function appWith(guardVerifier: Verifier, options: TokenRequirementOptions = {}, withFilter = false): Promise<string> {
  @Controller()
  class MeController {
    @Get('me')
    @UseGuards(new TesseraGuard(guardVerifier, options))
    me(@Req() req: Request) {
      const auth = tesseraAuth(req)!;
      return { sub: auth.claims.sub, source: auth.source };
    }
  }
  if (withFilter) UseFilters(Rfc6750Filter)(MeController);

  @Module({ controllers: [MeController] })
  class AppModule {}

  const app = await NestFactory.create(AppModule, { logger: false });
  apps.push(app);
  await app.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}/me`;
}

describe('TesseraGuard', () => {
  let url: string;
  beforeAll(async () => {
    url = await appWith(verifier, { cookieName: 'session_at' });
  });

  it('lets a valid Bearer access token through and leaves it on tesseraAuth(req)', async () => {
    const res = await fetch(url, { headers: { authorization: `Bearer ${accessToken()}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ sub: 'user-42', source: 'authorization' });
  });

  it('reads the session cookie when no Bearer header is sent', async () => {
    const res = await fetch(url, { headers: { cookie: `session_at=${accessToken()}` } });
    expect(await res.json()).toEqual({ sub: 'user-42', source: 'cookie' });
  });

  it('answers no token with 401, a bare challenge, and Nest\'s statusCode/message body', async () => {
    const res = await fetch(url);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="tessera"');
    expect(await res.json()).toEqual({ statusCode: 401, message: 'This resource requires a Bearer token' });
  });

  it('answers an expired token with 401 invalid_token in the challenge', async () => {
    const res = await fetch(url, { headers: { authorization: `Bearer ${accessToken({ exp: NOW - 60 })}` } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="tessera", error="invalid_token", error_description="The token has expired"');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('answers 503 with Retry-After when the issuer\'s keys cannot be had', async () => {
    const down = await startFakeIssuer([key]);
    await down.stop();
    const blind = createVerifier({ issuer: down.issuer, audience: AUDIENCE, now: () => NOW * 1000, jwks: { timeoutMs: 1000 } });
    try {
      const res = await fetch(await appWith(blind), { headers: { authorization: `Bearer ${accessToken()}` } });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('30');
      expect(res.headers.get('www-authenticate')).toBeNull();
    } finally {
      blind.close();
    }
  });

  it('gives a filter of the app what it needs to render the RFC 6750 body', async () => {
    const res = await fetch(await appWith(verifier, {}, true), { headers: { authorization: `Bearer ${accessToken({ aud: 'other' })}` } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'invalid_token', error_description: 'The token is meant for another audience' });
  });
});
