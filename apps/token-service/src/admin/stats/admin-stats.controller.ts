import { Get, Query } from '@nestjs/common';
import { AdminStats } from '@tessera/contracts';
import { AdminApiController } from '../admin-api.decorator';
import { Problems, refuseUnknown } from '../admin-input.rule';
import { AdminStatsService } from './admin-stats.service';

/** `/admin/api/v1/stats` (contracts AdminStats): the console dashboard's figures. */
@AdminApiController('stats')
export class AdminStatsController {
  constructor(private readonly stats: AdminStatsService) {}

  @Get()
  read(@Query() query: unknown): Promise<AdminStats> {
    // No parameters: anything given is refused rather than ignored, like every admin route.
    const problems = new Problems();
    refuseUnknown(typeof query === 'object' && query !== null ? query as Record<string, unknown> : {}, [], problems);
    problems.check();
    return this.stats.read();
  }
}
