import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, Repository } from 'typeorm';
import { hashOpaqueToken, newOpaqueToken } from '../crypto/opaque-token';
import { AuthorizationCode } from './authorization-code.entity';

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

  async grantIdOf(codeHash: string): Promise<string | null> {
    return (await this.codes.findOneBy({ codeHash }))?.grantId ?? null;
  }

  async recordGrant(codeHash: string, grantId: string): Promise<void> {
    await this.codes.update({ codeHash }, { grantId });
  }
}
