import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AdminModule } from './admin/admin.module';
import { ConsoleModule } from './console/console.module';
import { AuditTrail } from './audit/audit-trail';
import { SignInAudit } from './audit/sign-in-audit';
import { LOGIN_UI_CONFIG, LoginUiConfig } from './config/login-ui.config';
import { ConsentController } from './consent/consent.controller';
import { ConsentFlow } from './consent/consent.flow';
import { DatabaseModule } from './database/database.module';
import { HealthController } from './health/health.controller';
import { LocalStrategy } from './login/local.strategy';
import { LoginController } from './login/login.controller';
import { LoginFlow } from './login/login.flow';
import { LogoutController } from './logout/logout.controller';
import { LogoutFlow } from './logout/logout.flow';
import { LoginUiMetrics } from './metrics/login-ui.metrics';
import { ErrorPageFilter } from './pages/error-page.filter';
import { PagesController } from './pages/pages.controller';
import { Csrf } from './security/csrf.service';
import { TokenServiceClient } from './token-service/token-service.client';
import { UsersModule } from './users/users.module';

@Module({})
export class LoginUiModule {
  static forRoot(config: LoginUiConfig, metrics: LoginUiMetrics = new LoginUiMetrics()): DynamicModule {
    return {
      module: LoginUiModule,
      global: true,
      imports: [DatabaseModule, UsersModule, PassportModule.register({ session: false }), AdminModule, ConsoleModule],
      controllers: [PagesController, LoginController, ConsentController, LogoutController, HealthController],
      providers: [
        { provide: LOGIN_UI_CONFIG, useValue: config },
        { provide: LoginUiMetrics, useValue: metrics },
        { provide: APP_FILTER, useClass: ErrorPageFilter },
        Csrf,
        TokenServiceClient,
        LocalStrategy,
        LoginFlow,
        ConsentFlow,
        LogoutFlow,
        AuditTrail,
        SignInAudit,
      ],
      exports: [LOGIN_UI_CONFIG, LoginUiMetrics, AuditTrail],
    };
  }
}
