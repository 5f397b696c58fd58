import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { ADMIN_API_PREFIX } from '@tessera/contracts';
import { TokenServiceClient } from '../token-service/token-service.client';
import { UsersModule } from '../users/users.module';
import { AdminApiNotFoundController } from './admin-api-not-found.controller';
import { AdminAuthGuard, AdminTokenVerifier } from './admin-auth.guard';
import { adminJsonBody } from './admin-json-body';
import { AdminUsers } from './admin-users.service';
import { AdminUsersController } from './admin-users.controller';

/** The login UI's part of the admin API: the user directory (contracts admin-api.ts). */
@Module({
  imports: [UsersModule],
  controllers: [AdminUsersController, AdminApiNotFoundController],
  providers: [AdminTokenVerifier, AdminAuthGuard, AdminUsers, TokenServiceClient],
})
export class AdminModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(adminJsonBody).forRoutes(`${ADMIN_API_PREFIX}/*path`);
  }
}
