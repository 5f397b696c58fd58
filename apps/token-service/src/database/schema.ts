// Every entity and migration of the token service. Each feature folder owns its entities; the
// migrations live in ../migrations, one file per change, hand-written to run on SQLite and MySQL.
/* eslint-disable @typescript-eslint/no-unsafe-function-type */
import { Client } from '../clients/client.entity';
import { SigningKey } from '../keys/signing-key.entity';
import { SigningKeys1764300000000 } from '../migrations/1764300000000-signing-keys';
import { SigningKeySchedule1764300240000 } from '../migrations/1764300240000-signing-key-schedule';
import { Clients1764300100000 } from '../migrations/1764300100000-clients';
import { AuthorizationFlow1764300001000 } from '../migrations/1764300001000-authorization-flow';
import { AuthorizationFlow } from '../flow/authorization-flow.entity';
import { ConsentGrant } from '../flow/consent-grant.entity';
import { LogoutRequest } from '../logout/logout-request.entity';
import { SsoSession } from '../sessions/sso-session.entity';
import { StatusLists1764300200000 } from '../migrations/1764300200000-status-lists';
import { StatusList } from '../status-list/status-list.entity';
import { TokenStatus } from '../status-list/token-status.entity';
import { AuthorizationCode } from '../token/authorization-code.entity';
import { RefreshToken } from '../token/refresh-token.entity';
import { TokenGrant } from '../token/token-grant.entity';
import { AuditEventRow } from '../audit/audit-event.entity';
import { AuditEvents1764300330000 } from '../migrations/1764300330000-audit-events';
import { BackchannelDelivery } from '../logout/backchannel/backchannel-delivery.entity';
import { BackchannelLogout1764300300000 } from '../migrations/1764300300000-backchannel-logout';
import { InitialAccessToken } from '../registration/initial-access-token.entity';
import { AdminApi1764300340000 } from '../migrations/1764300340000-admin-api';
import { CleanupMore1764300350000 } from '../migrations/1764300350000-cleanup-more';
import { CleanupIndexes1764300310000 } from '../migrations/1764300310000-cleanup-indexes';
export const TOKEN_SERVICE_ENTITIES: Function[] = [
  // keys, clients
  SigningKey, Client,
  // authorization flow, sessions, tokens
  AuthorizationFlow, ConsentGrant, SsoSession, LogoutRequest, AuthorizationCode, TokenGrant, RefreshToken,
  // token status lists
  StatusList, TokenStatus,
  // audit trail
  AuditEventRow,
  // back-channel logout
  BackchannelDelivery,
  // admin API: initial access tokens for registration
  InitialAccessToken,
];
export const TOKEN_SERVICE_MIGRATIONS: Function[] = [
  // keys, clients
  SigningKeys1764300000000, Clients1764300100000, SigningKeySchedule1764300240000,
  // authorization flow, sessions, tokens
  AuthorizationFlow1764300001000,
  // token status lists
  StatusLists1764300200000,
  // the cleanup's expiry indexes
  CleanupIndexes1764300310000,
  // audit trail
  AuditEvents1764300330000,
  // back-channel logout
  BackchannelLogout1764300300000,
  // admin API: client scope, initial access tokens
  AdminApi1764300340000,
  // the cleanup's indexes on spent initial access tokens
  CleanupMore1764300350000,
];
export const TOKEN_SERVICE_MIGRATIONS_TABLE = 'token_service_migrations';
export const TOKEN_SERVICE_MIGRATION_LOCK = 'tessera_token_service_migrations';
