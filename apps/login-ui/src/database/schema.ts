// Every entity and migration of the login UI; the migrations are hand-written to run on SQLite and MySQL.
/* eslint-disable @typescript-eslint/no-unsafe-function-type */
import { CreateUsers1764300000000 } from '../migrations/1764300000000-create-users';
import { AddUsersLockout1764400000000 } from '../migrations/1764400000000-add-users-lockout';
import { UserDirectory1764400100000 } from '../migrations/1764400100000-user-directory';
import { UserRoleEntity } from '../users/user-role.entity';
import { UserEntity } from '../users/user.entity';

export const LOGIN_UI_ENTITIES: Function[] = [UserEntity, UserRoleEntity];
export const LOGIN_UI_MIGRATIONS: Function[] = [CreateUsers1764300000000, AddUsersLockout1764400000000, UserDirectory1764400100000];
export const LOGIN_UI_MIGRATIONS_TABLE = 'login_ui_migrations';
