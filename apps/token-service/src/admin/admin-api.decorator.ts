import { applyDecorators, CallHandler, Controller, ExecutionContext, Injectable, NestInterceptor, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { ADMIN_API_PREFIX } from '@tessera/contracts';
import type { Response } from 'express';
import type { Observable } from 'rxjs';
import { AdminApiFilter } from './admin-api.filter';
import { AdminAuthGuard } from './admin-auth.guard';

/** Admin answers name people, sessions and, once, secrets: no cache may keep them (RFC 9111 §5.2.2.5). */
@Injectable()
class NoStore implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    context.switchToHttp().getResponse<Response>().setHeader('Cache-Control', 'no-store');
    return next.handle();
  }
}

/**
 * A controller of the admin API for `resource` (`/admin/api/v1/{resource}`): every route behind
 * AdminAuthGuard, every error in the AdminApiError shape, every answer `no-store`.
 *
 * @example
 * @AdminApiController('clients')
 * export class AdminClientsController { … }
 */
export function AdminApiController(resource: string): ClassDecorator {
  return applyDecorators(
    Controller(`${ADMIN_API_PREFIX}/${resource}`),
    UseGuards(AdminAuthGuard),
    UseFilters(AdminApiFilter),
    UseInterceptors(NoStore),
  );
}
