import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, Repository } from 'typeorm';
import { hashOpaqueToken, newOpaqueToken } from '../crypto/opaque-token';
import { AuthorizationCode } from './authorization-code.entity';

// Not a grant id (those are base64url): the mark a replay leaves when the code's grant is not known yet.
const REPLAYED_BEFORE_GRANT = '!replayed';

export type NewAuthorizationCode = Omit<AuthorizationCode, 'codeHash' | 'usedAt' | 'grantId'>;

@Injectable()
export class AuthorizationCodeRepository {
  private readonly codes: Repository<AuthorizationCode>;

  constructor(dataSource: DataSource) {
    this.codes = dataSource.getRepository(AuthorizationCode);
  }

  /** Returns the code in clear; only its hash is kept. */
  async issue(fields: NewAuthorizationCode): Promise<string> {
    const code = newOpaqueToken();
    await this.codes.insert({ ...fields, codeHash: hashOpaqueToken(code), usedAt: null, grantId: null });
    return code;
  }

  findByCode(code: string): Promise<AuthorizationCode | null> {
    return this.codes.findOneBy({ codeHash: hashOpaqueToken(code) });
  }

  /** Marks the code used; false when it already was (a replay, or a concurrent exchange that won). */
  async consume(codeHash: string, now: number): Promise<boolean> {
    const result = await this.codes.update({ codeHash, usedAt: IsNull() }, { usedAt: now });
    return (result.affected ?? 0) === 1;
  }

  /**
   * Names the grant the code's exchange created; false when a replay came first (grantOfReplayed),
   * and the grant must then be revoked with the code.
   */
  async recordGrant(codeHash: string, grantId: string): Promise<boolean> {
    const result = await this.codes.update({ codeHash, grantId: IsNull() }, { grantId });
    return (result.affected ?? 0) === 1;
  }

  /**
   * For a replay of a used code: the grant its exchange created, to revoke. When that exchange has
   * not recorded its grant yet, null — after a mark in its place that makes its recordGrant fail,
   * so the exchange revokes the grant itself: whichever of the two writes grant_id first, the grant
   * ends (issue 4). The mark never leaves this repository.
   */
  async grantOfReplayed(codeHash: string): Promise<string | null> {
    await this.codes.update({ codeHash, grantId: IsNull() }, { grantId: REPLAYED_BEFORE_GRANT });
    const grantId = (await this.codes.findOneBy({ codeHash }))?.grantId ?? null;
    return grantId === REPLAYED_BEFORE_GRANT ? null : grantId;
  }
}
