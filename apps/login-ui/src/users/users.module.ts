import { Module } from '@nestjs/common';
import { Clock, ConcurrencyGate } from '@tessera/abuse';
import { DataSource } from 'typeorm';
import { LOGIN_UI_CONFIG, LoginUiConfig } from '../config/login-ui.config';
import { LoginUiMetrics } from '../metrics/login-ui.metrics';
import { AdminBootstrap } from './admin-bootstrap';
import { PasswordHasher } from './password-hasher';
import { passwordPolicy } from './password-policy';
import { UserRepository } from './user.repository';
import { Users } from './users.service';

@Module({
  providers: [
    // The app's time source, shared with the sign-in rate limit (main.ts); a test moves it forward.
    Clock,
    // Its own provider so the metrics can read how much argon2 work is running and waiting.
    {
      provide: ConcurrencyGate,
      inject: [LOGIN_UI_CONFIG],
      useFactory: (config: LoginUiConfig) => new ConcurrencyGate({ maxConcurrent: config.argon2.maxConcurrency, maxQueue: config.argon2.maxQueue }),
    },
    {
      provide: Users,
      inject: [DataSource, LOGIN_UI_CONFIG, Clock, ConcurrencyGate, LoginUiMetrics],
      useFactory: (ds: DataSource, config: LoginUiConfig, clock: Clock, gate: ConcurrencyGate, metrics: LoginUiMetrics) => new Users(new UserRepository(ds), new PasswordHasher(), {
        now: () => clock.now(),
        lockout: config.lockout,
        gate,
        events: metrics,
        passwordPolicy: passwordPolicy(config.passwordMinLength),
      }),
    },
    AdminBootstrap,
  ],
  exports: [Users, Clock, ConcurrencyGate],
})
export class UsersModule {}
