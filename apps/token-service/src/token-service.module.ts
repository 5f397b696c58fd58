import { DynamicModule, Module } from '@nestjs/common';
import { Clock } from '@tessera/abuse';
import { TOKEN_SERVICE_CONFIG, TokenServiceConfig } from './config/token-service.config';
import { ClientAuthenticator } from './clients/client-authenticator';
import { ClientRepository } from './clients/client.repository';
import { Clients } from './clients/clients.service';
import { DatabaseModule } from './database/database.module';
import { DiscoveryController } from './discovery/discovery.controller';
import { HealthController } from './health/health.controller';
import { JwksController } from './keys/jwks.controller';
import { SigningKeys } from './keys/signing-keys.service';
import { RegistrationController } from './registration/registration.controller';

import { AuthorizeController } from './authorize/authorize.controller';
import { AuthorizationFlowRepository } from './flow/authorization-flow.repository';
import { ConsentGrantRepository } from './flow/consent-grant.repository';
import { SignInFlow } from './flow/sign-in-flow.service';
import { InteractionController } from './interaction/interaction.controller';
import { IntrospectionController } from './introspection/introspection.controller';
import { LogoutController } from './logout/logout.controller';
import { LogoutFlow } from './logout/logout-flow.service';
import { LogoutRequestRepository } from './logout/logout-request.repository';
import { BackChannelLogout } from './logout/backchannel/backchannel-logout.service';
import { RevocationController } from './revocation/revocation.controller';
import { BrowserCookies } from './sessions/browser-cookies';
import { SsoSessionRepository } from './sessions/sso-session.repository';
import { AuthorizationCodeRepository } from './token/authorization-code.repository';
import { AuthorizationCodeGrant } from './token/grants/authorization-code.grant';
import { ClientCredentialsGrant } from './token/grants/client-credentials.grant';
import { RefreshTokenGrant } from './token/grants/refresh-token.grant';
import { RefreshTokenRepository } from './token/refresh-token.repository';
import { TokenGrantRepository } from './token/token-grant.repository';
import { TokenIssuer } from './token/token-issuer';
import { TokenLookup } from './token/token-lookup';
import { TokenController } from './token/token.controller';
import { TokenEndpoint } from './token/token-endpoint';
import { UserinfoController } from './userinfo/userinfo.controller';
import { StatusListController } from './status-list/status-list.controller';
import { StatusLists } from './status-list/status-lists.service';
import { AuditLog } from './audit/audit-log';
import { AuditEventsController } from './audit/audit-events.controller';
import { Cleanup } from './maintenance/cleanup.service';
import { AdminAuditEventsController } from './admin/audit/admin-audit-events.controller';
import { AdminAuthGuard } from './admin/admin-auth.guard';
import { AdminClients } from './admin/clients/admin-clients.service';
import { AdminClientsController } from './admin/clients/admin-clients.controller';
import { AdminInitialAccessTokens } from './admin/initial-access-tokens/admin-initial-access-tokens.service';
import { AdminInitialAccessTokensController } from './admin/initial-access-tokens/admin-initial-access-tokens.controller';
import { AdminKeys } from './admin/keys/admin-keys.service';
import { AdminKeysController } from './admin/keys/admin-keys.controller';
import { KeyRevocation } from './admin/keys/key-revocation.service';
import { AdminSessions } from './admin/sessions/admin-sessions.service';
import { AdminSessionsController } from './admin/sessions/admin-sessions.controller';
import { SessionDirectory } from './admin/sessions/session-directory.repository';
import { SessionRevocation } from './admin/sessions/session-revocation.service';
import { SubjectRevocationController } from './admin/sessions/subject-revocation.controller';
import { ConsoleClient } from './admin/console-client';
import { AdminStatsController } from './admin/stats/admin-stats.controller';
import { AdminStatsService } from './admin/stats/admin-stats.service';
import { StatsRepository } from './admin/stats/stats.repository';
import { InitialAccessTokenRepository } from './registration/initial-access-token.repository';
import { InitialAccessTokens } from './registration/initial-access-tokens.service';

@Module({})
export class TokenServiceModule {
  static forRoot(config: TokenServiceConfig): DynamicModule {
    return {
      module: TokenServiceModule,
      global: true,
      imports: [DatabaseModule],
      controllers: [
        // keys, discovery, registration
        JwksController, DiscoveryController, RegistrationController,
        // authorize, interaction, token, userinfo, revocation, introspection, logout
        AuthorizeController, InteractionController, TokenController, UserinfoController,
        RevocationController, IntrospectionController, LogoutController,
        // token status lists
        StatusListController,
        // audit trail (the login UI's events)
        AuditEventsController,
        // admin API (internal listener) and the login UI's subject revocation
        AdminClientsController, AdminInitialAccessTokensController, AdminKeysController, AdminSessionsController,
        AdminAuditEventsController, SubjectRevocationController,
        // the console dashboard's figures
        AdminStatsController,
        // probes
        HealthController,
      ],
      providers: [
        { provide: TOKEN_SERVICE_CONFIG, useValue: config },
        // Time of the per-IP rate limits (main.ts); a test moves it forward.
        Clock,
        // keys, clients
        SigningKeys, ClientRepository, Clients, ClientAuthenticator,
        // authorize, interaction, sessions, token
        SignInFlow, LogoutFlow, AuthorizationFlowRepository, ConsentGrantRepository, LogoutRequestRepository,
        BrowserCookies, SsoSessionRepository, AuthorizationCodeRepository, TokenGrantRepository,
        RefreshTokenRepository, TokenIssuer, TokenLookup, AuthorizationCodeGrant, RefreshTokenGrant,
        ClientCredentialsGrant, TokenEndpoint,
        // back-channel logout (logout tokens to the clients of an ended session)
        BackChannelLogout,
        // token status lists
        StatusLists,
        // audit trail
        AuditLog,
        // the scheduled cleanup of expired rows
        Cleanup,
        // registration's initial access tokens; the admin API
        InitialAccessTokenRepository, InitialAccessTokens,
        AdminAuthGuard, AdminClients, AdminInitialAccessTokens, AdminKeys, KeyRevocation, AdminSessions, SessionDirectory,
        SessionRevocation,
        // the admin console's own OIDC client, ensured at start-up
        ConsoleClient,
        AdminStatsService, StatsRepository,
      ],
      exports: [TOKEN_SERVICE_CONFIG],
    };
  }
}
