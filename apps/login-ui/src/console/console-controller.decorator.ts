import { applyDecorators, Controller, UseFilters, UseGuards } from '@nestjs/common';
import { ConsoleAuthGuard } from './console-auth.guard';
import { ConsoleFilter } from './console.filter';

/**
 * A controller of console pages under `/admin{path}`: every route behind ConsoleAuthGuard, every
 * error rendered by ConsoleFilter in the admin layout. Form POSTs add `@UseGuards(CsrfGuard)`,
 * which runs after the sign-in check.
 *
 * @example
 * @ConsoleController('/keys')
 * export class KeysPages { @Get() list(@Admin() admin: ConsoleSession) { … } }
 */
export function ConsoleController(path = ''): ClassDecorator {
  return applyDecorators(Controller(`admin${path}`), UseGuards(ConsoleAuthGuard), UseFilters(ConsoleFilter));
}
