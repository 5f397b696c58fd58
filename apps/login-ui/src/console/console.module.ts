import { Module } from '@nestjs/common';
import { Csrf } from '../security/csrf.service';
import { AdminApiClient } from './admin-api.client';
import { ConsoleAuthGuard } from './console-auth.guard';
import { ConsoleFilter } from './console.filter';
import { ConsoleSessions } from './console-session';
import { ConsoleSignIn } from './console-sign-in';
import { ConsoleSignInController } from './console-sign-in.controller';
import { ConsoleView } from './console-view';
import { AuditController } from './audit.controller';
import { DashboardController } from './dashboard.controller';
import { InspectController } from './inspect.controller';
import { KeysController } from './keys.controller';
import { RegistrationTokensController } from './registration-tokens.controller';
import { TokenInspector } from './token-inspector';
import { ClientsController } from './clients.controller';
import { SessionsController } from './sessions.controller';
import { UsersController } from './users.controller';

/**
 * The admin console (`/admin`, issue 7): server-rendered pages that sign in through Tessera as the
 * first-party client `tessera-console` and act through the admin API with the person's own token.
 */
@Module({
  controllers: [
    // sign-in and sign-out
    ConsoleSignInController,
    // pages
    DashboardController, KeysController, AuditController, RegistrationTokensController, InspectController,
    ClientsController,
    UsersController,
    SessionsController,
  ],
  providers: [Csrf, ConsoleSessions, ConsoleSignIn, ConsoleAuthGuard, ConsoleFilter, ConsoleView, AdminApiClient, TokenInspector],
})
export class ConsoleModule {}
