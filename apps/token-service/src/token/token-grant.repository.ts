import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, Repository } from 'typeorm';
import { newOpaqueToken } from '../crypto/opaque-token';
import { TokenGrant } from './token-grant.entity';

export type NewTokenGrant = Omit<TokenGrant, 'id' | 'revokedAt'>;

@Injectable()
export class TokenGrantRepository {
  private readonly grants: Repository<TokenGrant>;

  constructor(dataSource: DataSource) {
    this.grants = dataSource.getRepository(TokenGrant);
  }

  async create(fields: NewTokenGrant): Promise<TokenGrant> {
    const grant = this.grants.create({ ...fields, id: newOpaqueToken(16), revokedAt: null });
    await this.grants.insert(grant);
    return grant;
  }

  findActive(id: string): Promise<TokenGrant | null> {
    return this.grants.findOneBy({ id, revokedAt: IsNull() });
  }

  async isActive(id: string): Promise<boolean> {
    return (await this.grants.countBy({ id, revokedAt: IsNull() })) > 0;
  }

  /** Grants obtained through one SSO session and not yet revoked (logout ends them). */
  activeIdsOfSession(sessionId: string): Promise<string[]> {
    return this.activeIdsOf({ sessionId });
  }

  /** Grants not yet revoked of one session, client or person (the admin API revokes the last two). */
  async activeIdsOf(owner: { sessionId: string } | { clientId: string } | { subject: string }): Promise<string[]> {
    const rows = await this.grants.find({ select: { id: true }, where: { ...owner, revokedAt: IsNull() } });
    return rows.map((row) => row.id);
  }

  /**
   * Ends every token of the family. Callers go through StatusLists.revokeGrant, which also sets the
   * status bits of its access tokens for offline verifiers.
   */
  async revoke(id: string, now: number): Promise<void> {
    await this.grants.update({ id, revokedAt: IsNull() }, { revokedAt: now });
  }
}
