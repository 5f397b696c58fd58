import { Controller, Get, Inject, Res } from '@nestjs/common';
import { checkDatabase, readiness, READINESS_TIMEOUT_MS } from '@tessera/database';
import type { Response } from 'express';
import { DataSource } from 'typeorm';

/**
 * Probes for a load balancer or an orchestrator. Live: the process answers. Ready: it can sign
 * people in — the user directory's database answers and its migrations are applied. The token
 * service is not probed here: it has probes of its own, and a login UI that cannot reach it
 * already shows its own 503 page.
 */
@Controller('health')
export class HealthController {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  @Get('live')
  live(@Res() res: Response): void {
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).json({ status: 'live' });
  }

  @Get('ready')
  async ready(@Res() res: Response): Promise<void> {
    const { status, body } = readiness(await checkDatabase(this.dataSource, READINESS_TIMEOUT_MS));
    res.setHeader('Cache-Control', 'no-store');
    res.status(status).json(body);
  }
}
