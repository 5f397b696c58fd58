import { DynamicModule, Module } from '@nestjs/common';
import { TOKEN_SERVICE_CONFIG, TokenServiceConfig } from './config/token-service.config';
import { DatabaseModule } from './database/database.module';

@Module({})
export class TokenServiceModule {
  static forRoot(config: TokenServiceConfig): DynamicModule {
    return {
      module: TokenServiceModule,
      global: true,
      imports: [DatabaseModule],
      controllers: [
        // keys, discovery, registration
        // authorize, interaction, token, userinfo, revocation, introspection, logout
      ],
      providers: [
        { provide: TOKEN_SERVICE_CONFIG, useValue: config },
        // keys, clients
        // authorize, interaction, sessions, token
      ],
      exports: [TOKEN_SERVICE_CONFIG],
    };
  }
}
