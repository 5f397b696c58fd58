import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { Csrf } from './csrf.service';

/** Runs before any other guard of a form POST, so nothing is done for a forged request. */
@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(@Inject(Csrf) private readonly csrf: Csrf) {}

  canActivate(context: ExecutionContext): boolean {
    this.csrf.check(context.switchToHttp().getRequest<Request>());
    return true;
  }
}
