import { All, Controller, UseFilters } from '@nestjs/common';
import { ADMIN_API_PREFIX } from '@tessera/contracts';
import { AdminApiFilter } from './admin-api.filter';
import { AdminRefusal } from './admin-refusal';

/**
 * Any other path or method under the prefix: a 404 in the admin API's shape rather than the login
 * UI's HTML error page. Registered after the API's own controllers, so it only sees what they do not.
 */
@Controller(ADMIN_API_PREFIX)
@UseFilters(AdminApiFilter)
export class AdminApiNotFoundController {
  @All(['', '*path'])
  notFound(): never {
    throw AdminRefusal.notFound('admin API route');
  }
}
