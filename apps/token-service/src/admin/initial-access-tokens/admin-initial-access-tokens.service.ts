import { Injectable } from '@nestjs/common';
import { AdminInitialAccessToken, AdminInitialAccessTokenCreated, Page } from '@tessera/contracts';
import { AuditLog } from '../../audit/audit-log';
import { hashOpaqueToken, newOpaqueToken } from '../../crypto/opaque-token';
import { InitialAccessToken } from '../../registration/initial-access-token.entity';
import { InitialAccessTokenRepository } from '../../registration/initial-access-token.repository';
import { initialAccessTokenState } from '../../registration/initial-access-token.rule';
import { notFound } from '../admin-api-error';
import { decodeCursor, pageOf, readListQuery } from '../admin-input.rule';
import { readNewInitialAccessToken } from './initial-access-token-body.rule';

/** Initial access tokens for dynamic registration, made and revoked by administrators. */
@Injectable()
export class AdminInitialAccessTokens {
  constructor(private readonly repository: InitialAccessTokenRepository, private readonly audit: AuditLog) {}

  /** A new token, shown in this answer only: the database keeps its hash. */
  async create(body: unknown, actor: string): Promise<AdminInitialAccessTokenCreated> {
    const { expiresInSeconds, maxUses } = readNewInitialAccessToken(body);
    const now = Date.now();
    const secret = newOpaqueToken(32);
    const token = Object.assign(new InitialAccessToken(), {
      id: newOpaqueToken(16),
      tokenHash: hashOpaqueToken(secret),
      maxUses,
      usesLeft: maxUses,
      createdBy: actor,
      createdAt: now,
      expiresAt: now + expiresInSeconds * 1000,
      revokedAt: null,
    } satisfies InitialAccessToken);
    await this.repository.insert(token);
    this.audit.record({ type: 'initial_access_token.created', actor, details: { id: token.id, max_uses: maxUses, expires_at: token.expiresAt } });
    return { ...view(token, now), token: secret };
  }

  /** Newest first; `limit`, `cursor`. */
  async list(query: unknown): Promise<Page<AdminInitialAccessToken>> {
    const { page, problems } = readListQuery(query, []);
    problems.check();
    const after = page.cursor === undefined ? undefined : decodeCursor<[number, string]>(page.cursor, ['number', 'string']);
    const rows = await this.repository.listNewestFirst({ after, limit: page.limit + 1 });
    const now = Date.now();
    return pageOf(rows, page.limit, (token) => view(token, now), (token) => [token.createdAt, token.id]);
  }

  async revoke(id: string, actor: string): Promise<void> {
    if (!(await this.repository.revoke(id, Date.now()))) throw notFound('initial access token');
    this.audit.record({ type: 'initial_access_token.revoked', actor, details: { id } });
  }
}

function view(token: InitialAccessToken, now: number): AdminInitialAccessToken {
  return {
    id: token.id,
    state: initialAccessTokenState(token, now),
    max_uses: token.maxUses,
    uses_left: token.usesLeft,
    created_by: token.createdBy,
    created_at: token.createdAt,
    expires_at: token.expiresAt,
    revoked_at: token.revokedAt,
  };
}
