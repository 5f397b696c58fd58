import { Inject, Injectable } from '@nestjs/common';
import { AuthGuard, PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-local';
import { SignInAudit } from '../audit/sign-in-audit';
import { User, Users } from '../users/users.service';

@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy) {
  constructor(@Inject(Users) private readonly users: Users, @Inject(SignInAudit) private readonly audit: SignInAudit) {
    super({ usernameField: 'username', passwordField: 'password', passReqToCallback: true });
  }

  async validate(req: Request, username: string, password: string): Promise<User | false> {
    const attempt = await this.users.attemptSignIn(username, password);
    this.audit.record(attempt, req.ip);
    return attempt.user ?? false;
  }
}

/** Puts the signed-in user, or null, on `req.user`: a failed sign-in shows the form again, it is not an error. */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  override handleRequest<TUser = User>(err: unknown, user: TUser | false): TUser | null {
    if (err) throw err;
    return user || null;
  }
}
