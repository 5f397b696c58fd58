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
import { UserinfoController } from './userinfo/userinfo.controller';
import { StatusListController } from './status-list/status-list.controller';
import { StatusLists } from './status-list/status-lists.service';

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
        ClientCredentialsGrant,
        // token status lists
        StatusLists,
      ],
      exports: [TOKEN_SERVICE_CONFIG],
    };
  }
}
