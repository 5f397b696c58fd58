import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { LOGIN_UI_CONFIG, LoginUiConfig } from '../config/login-ui.config';
import { UserAlreadyExists, Users } from './users.service';

/**
 * ADMIN_USERNAME/ADMIN_PASSWORD create the first administrator of an empty directory. Instances
 * starting together may all see it empty: the unique index lets exactly one of them create it.
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
      const admin = await this.users.create({ username, password, roles: ['admin'] });
      this.logger.log(`created the administrator "${admin.username}" (${admin.id})`);
    } catch (err) {
      if (!(err instanceof UserAlreadyExists)) throw err;
      this.logger.log(`the administrator "${username}" was created by another instance`);
    }
  }
}
