import { Module } from '@nestjs/common';
import { Clock, ConcurrencyGate } from '@tessera/abuse';
import { DataSource } from 'typeorm';
import { LOGIN_UI_CONFIG, LoginUiConfig } from '../config/login-ui.config';
import { AdminBootstrap } from './admin-bootstrap';
import { PasswordHasher } from './password-hasher';
import { UserRepository } from './user.repository';
import { Users } from './users.service';

@Module({
  providers: [
    // The app's time source, shared with the sign-in rate limit (main.ts); a test moves it forward.
    Clock,
    {
      provide: Users,
      inject: [DataSource, LOGIN_UI_CONFIG, Clock],
      useFactory: (ds: DataSource, config: LoginUiConfig, clock: Clock) => new Users(new UserRepository(ds), new PasswordHasher(), {
        now: () => clock.now(),
        lockout: config.lockout,
        gate: new ConcurrencyGate({ maxConcurrent: config.argon2.maxConcurrency, maxQueue: config.argon2.maxQueue }),
      }),
    },
    AdminBootstrap,
  ],
  exports: [Users, Clock],
})
export class UsersModule {}
