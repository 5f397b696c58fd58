import { loadLoginUiConfig } from '../../../login-ui/src/config/login-ui.config';
import { openLoginUiDatabase } from '../../../login-ui/src/database/database.module';
import { PasswordHasher } from '../../../login-ui/src/users/password-hasher';
import { passwordPolicy } from '../../../login-ui/src/users/password-policy';
import { UserRepository } from '../../../login-ui/src/users/user.repository';
import { Users } from '../../../login-ui/src/users/users.service';
import { CliCommand, requireValue } from '../cli-args';

/**
 * Creates an account in the login UI's user directory (the password policy applies, with the login
 * UI's PASSWORD_MIN_LENGTH); prints it without the password.
 */
export const usersCreate: CliCommand = {
  usage: '--username U --password P [--email E] [--name N] [--role R]',
  async run(flags, env) {
    const input = {
      username: requireValue(flags, 'username'),
      password: requireValue(flags, 'password'),
      email: flags.values.email,
      name: flags.values.name,
      roles: flags.values.role ? [flags.values.role] : [],
    };
    const config = loadLoginUiConfig(env, (m) => process.stderr.write(`${m}\n`));
    const dataSource = await openLoginUiDatabase(config);
    try {
      const users = new Users(new UserRepository(dataSource), new PasswordHasher(), { passwordPolicy: passwordPolicy(config.passwordMinLength) });
      const user = await users.create(input);
      process.stdout.write(`${JSON.stringify({ id: user.id, username: user.username, email: user.email, name: user.name, roles: user.roles })}\n`);
    } finally {
      await dataSource.destroy();
    }
  },
};
