// Every entity and migration of the token service. Each feature folder owns its entities; the
// migrations live in ../migrations, one file per change, hand-written to run on SQLite and MySQL.
/* eslint-disable @typescript-eslint/no-unsafe-function-type */
export const TOKEN_SERVICE_ENTITIES: Function[] = [
  // keys, clients
  // authorization flow, sessions, tokens
];
export const TOKEN_SERVICE_MIGRATIONS: Function[] = [
  // keys, clients
  // authorization flow, sessions, tokens
];
export const TOKEN_SERVICE_MIGRATIONS_TABLE = 'token_service_migrations';
