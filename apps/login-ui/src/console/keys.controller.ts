import { Body, Get, Inject, Logger, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { AdminKeyRevocation, AdminSigningKey, Page } from '@tessera/contracts';
import type { Request, Response } from 'express';
import { LOGIN_UI_CONFIG, LoginUiConfig } from '../config/login-ui.config';
import { CsrfGuard } from '../security/csrf.guard';
import { issuerFetch } from '../token-service/issuer-fetch';
import { AdminApiClient } from './admin-api.client';
import { Admin } from './console-auth.guard';
import { ConsoleController } from './console-controller.decorator';
import type { ConsoleSession } from './console-session';
import { ConsoleView, formatInstant } from './console-view';
import { keyTimeline } from './key-timeline.rule';

const JWKS_TIMEOUT_MS = 5_000;

/**
 * `/admin/keys`: the signing keys with their states and dates, the JWKS exactly as partners fetch
 * it from the public endpoint, the rotation timeline, and the two changes an administrator makes:
 * rotate (publish the next key, or switch now) and the emergency revocation.
 */
@ConsoleController('/keys')
export class KeysController {
  private readonly logger = new Logger('ConsoleKeys');
  /** The JWKS is fetched from this app's network (ISSUER_INTERNAL_URL) and shown under its public URL. */
  private readonly fetch: typeof globalThis.fetch;

  constructor(
    @Inject(AdminApiClient) private readonly api: AdminApiClient,
    @Inject(ConsoleView) private readonly view: ConsoleView,
    @Inject(LOGIN_UI_CONFIG) private readonly config: Pick<LoginUiConfig, 'issuer' | 'issuerInternalUrl'>,
  ) {
    this.fetch = issuerFetch(config);
  }

  @Get()
  async list(@Admin() admin: ConsoleSession, @Req() req: Request, @Res() res: Response): Promise<void> {
    const [keys, jwks] = await Promise.all([this.api.get<Page<AdminSigningKey>>(admin, '/keys', { limit: 200 }), this.publishedJwks()]);
    await this.view.render(req, res, 'keys', {
      title: 'Signing keys',
      section: 'keys',
      keys: keys.items.map((key) => ({ ...key, revocable: ['next', 'active', 'retired'].includes(key.state) })),
      timeline: keyTimeline(keys.items, Date.now()),
      jwks,
      jwksUrl: `${this.config.issuer}/.well-known/jwks.json`,
    });
  }

  /** `mode=scheduled` publishes the next key, which signs after the lead time; `mode=now` switches at once. */
  @Post('rotate')
  @UseGuards(CsrfGuard)
  async rotate(@Admin() admin: ConsoleSession, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const now = body.mode === 'now';
    const key = await this.api.post<AdminSigningKey>(admin, '/keys/rotate', { now });
    const text = now
      ? `Key ${key.kid} signs from now on.`
      : `Key ${key.kid} is published; it starts signing at ${formatInstant(key.activates_at)}.`;
    await this.view.redirect(res, '/admin/keys', { kind: 'success', text });
  }

  @Post(':kid/revoke')
  @UseGuards(CsrfGuard)
  async revoke(@Admin() admin: ConsoleSession, @Param('kid') kid: string, @Res() res: Response): Promise<void> {
    const revocation = await this.api.post<AdminKeyRevocation>(admin, `/keys/${encodeURIComponent(kid)}/revoke`);
    const text = `Key ${revocation.revoked.kid} is revoked: it left the JWKS and every token it signed is revoked.`
      + (revocation.active_kid ? ` Key ${revocation.active_kid} signs now.` : '');
    await this.view.redirect(res, '/admin/keys', { kind: 'success', text });
  }

  /** The public JWKS, pretty-printed, or why it could not be read. */
  private async publishedJwks(): Promise<{ text?: string; error?: string; cacheControl?: string }> {
    try {
      const res = await this.fetch(`${this.config.issuer}/.well-known/jwks.json`, { signal: AbortSignal.timeout(JWKS_TIMEOUT_MS) });
      if (!res.ok) return { error: `The JWKS endpoint answered HTTP ${res.status}.` };
      return { text: JSON.stringify(await res.json(), null, 2), cacheControl: res.headers.get('cache-control') ?? undefined };
    } catch (err) {
      this.logger.warn(`the public JWKS could not be read: ${err instanceof Error ? err.message : String(err)}`);
      return { error: 'The public JWKS could not be fetched just now.' };
    }
  }
}
