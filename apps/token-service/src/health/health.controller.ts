import { Controller, Get, Inject, Res } from '@nestjs/common';
import { checkDatabase, readiness, READINESS_TIMEOUT_MS } from '@tessera/database';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { SigningKeys } from '../keys/signing-keys.service';

/**
 * Probes for a load balancer or an orchestrator, on the public listener. Live: the process answers
 * (restart it if not). Ready: it can issue tokens now — the database answers, this app's migrations
 * are applied and a signing key is loaded (send it traffic if so). The body names each check and
 * nothing else: no host, no version, no error text.
 */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(SigningKeys) private readonly keys: SigningKeys,
  ) {}

  @Get('live')
  live(@Res() res: Response): void {
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).json({ status: 'live' });
  }

  @Get('ready')
  async ready(@Res() res: Response): Promise<void> {
    const database = await checkDatabase(this.dataSource, READINESS_TIMEOUT_MS);
    const { status, body } = readiness({ ...database, signingKey: this.signingKeyLoaded() ? 'up' : 'down' });
    res.setHeader('Cache-Control', 'no-store');
    res.status(status).json(body);
  }

  private signingKeyLoaded(): boolean {
    try {
      return Boolean(this.keys.activeKid);
    } catch {
      return false;
    }
  }
}
