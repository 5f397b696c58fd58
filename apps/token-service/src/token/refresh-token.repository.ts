import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, Repository } from 'typeorm';
import { hashOpaqueToken, newOpaqueToken } from '../crypto/opaque-token';
import { RefreshToken } from './refresh-token.entity';

@Injectable()
export class RefreshTokenRepository {
  private readonly tokens: Repository<RefreshToken>;

  constructor(dataSource: DataSource) {
    this.tokens = dataSource.getRepository(RefreshToken);
  }

  /** Returns the token in clear; only its hash is kept. */
  async issue(fields: { grantId: string; clientId: string; scope: string; createdAt: number; expiresAt: number }): Promise<string> {
    const token = newOpaqueToken();
    await this.tokens.insert({ ...fields, tokenHash: hashOpaqueToken(token), usedAt: null });
    return token;
  }

  findByToken(token: string): Promise<RefreshToken | null> {
    return this.tokens.findOneBy({ tokenHash: hashOpaqueToken(token) });
  }

  /** Rotation: marks the token used; false when it already was (reuse, or a concurrent refresh that won). */
  async consume(tokenHash: string, now: number): Promise<boolean> {
    const result = await this.tokens.update({ tokenHash, usedAt: IsNull() }, { usedAt: now });
    return (result.affected ?? 0) === 1;
  }
}
