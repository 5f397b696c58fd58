import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { EndedSessions, type Login, type Verifier } from '@tessera/rp';
import { AccessTokenGuard, ApiController } from './api/api.controller';
import { BackChannelLogoutController } from './backchannel/backchannel-logout.controller';
import type { PartnerDemoConfig } from './config/partner-demo.config';
import { PageErrorFilter } from './pages/page-error.filter';
import { PagesController } from './pages/pages.controller';
import { SessionCookies } from './session/session-cookies';
import { LOGIN, PARTNER_DEMO_CONFIG, VERIFIER } from './tokens';

/**
 * The demo's pages, API and back-channel logout URI around a login helper and a verifier built (and
 * closed) by `startPartnerDemo`. The ended-session store is in memory: one demo process.
 */
@Module({})
export class PartnerDemoModule {
  static forRoot(config: PartnerDemoConfig, login: Login, verifier: Verifier): DynamicModule {
    return {
      module: PartnerDemoModule,
      controllers: [PagesController, ApiController, BackChannelLogoutController],
      providers: [
        { provide: PARTNER_DEMO_CONFIG, useValue: config },
        { provide: LOGIN, useValue: login },
        { provide: VERIFIER, useValue: verifier },
        { provide: SessionCookies, useValue: new SessionCookies(config.secureCookies) },
        { provide: EndedSessions, useValue: new EndedSessions() },
        { provide: APP_FILTER, useClass: PageErrorFilter },
        AccessTokenGuard,
      ],
    };
  }
}
