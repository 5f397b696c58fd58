import { CanActivate, createParamDecorator, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { NotAnAdmin, SignInRequired } from './console-errors';
import { attachConsoleSession, ConsoleSession, ConsoleSessions, consoleSessionOf } from './console-session';
import { returnTo } from './return-to.rule';

/**
 * Every console page: nobody signed in (or the session expired) → a sign-in through Tessera that
 * comes back to the page asked for; signed in without the admin role → the 403 page that says so,
 * with a way to sign out. The admin API checks the token again on every call.
 */
@Injectable()
export class ConsoleAuthGuard implements CanActivate {
  constructor(@Inject(ConsoleSessions) private readonly sessions: ConsoleSessions) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const session = await this.sessions.read(req);
    if (!session) throw new SignInRequired(returnTo(req.method, req.originalUrl));
    attachConsoleSession(req, session);
    if (!session.admin) throw new NotAnAdmin(session.name);
    return true;
  }
}

/** The signed-in administrator of a console route. */
export const Admin = createParamDecorator((_data: unknown, context: ExecutionContext): ConsoleSession => {
  const session = consoleSessionOf(context.switchToHttp().getRequest<Request>());
  if (!session) throw new Error('Admin used on a route without ConsoleAuthGuard');
  return session;
});
