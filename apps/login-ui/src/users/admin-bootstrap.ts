import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ADMIN_ROLE } from '@tessera/contracts';
import { ConfigError } from '@tessera/config';
import { LOGIN_UI_CONFIG, LoginUiConfig } from '../config/login-ui.config';
import { InvalidUserInput } from './account-fields.rule';
import { UserAlreadyExists, Users } from './users.service';

/**
 * ADMIN_USERNAME/ADMIN_PASSWORD create the first administrator of an empty directory. Instances
 * starting together may all see it empty: the unique index lets exactly one of them create it.
 * The password policy applies as everywhere else: a password it refuses stops the start with a
 * message naming the variable, rather than leaving the most powerful account with a weak password.
 * It is checked only when the account would be made, so an old value left in the environment of
 * a running installation does not stop it.
 */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('AdminBootstrap');

  constructor(
    @Inject(LOGIN_UI_CONFIG) private readonly config: LoginUiConfig,
    @Inject(Users) private readonly users: Users,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { adminUsername: username, adminPassword: password } = this.config;
    if (!username || !password || !(await this.users.isEmpty())) return;
    try {
      const admin = await this.users.create({ username, password, roles: [ADMIN_ROLE] });
      this.logger.log(`created the administrator "${admin.username}" (${admin.id})`);
    } catch (err) {
      if (err instanceof InvalidUserInput) {
        const [first] = err.problems;
        throw new ConfigError(first.path === 'password' ? 'ADMIN_PASSWORD' : 'ADMIN_USERNAME', first.message);
      }
      if (!(err instanceof UserAlreadyExists)) throw err;
      this.logger.log(`the administrator "${username}" was created by another instance`);
    }
  }
}
