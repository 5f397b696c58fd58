import { Injectable } from '@nestjs/common';
import { JWTPayload } from 'jose';
import { SigningKeys } from '../keys/signing-keys.service';
import { StatusLists } from '../status-list/status-lists.service';
import { hasFiniteExpiry, isStrictCompactJws } from './own-jwt.rule';
import { RefreshToken } from './refresh-token.entity';
import { RefreshTokenRepository } from './refresh-token.repository';
import { TokenGrant } from './token-grant.entity';
import { TokenGrantRepository } from './token-grant.repository';
import { ACCESS_TOKEN_TYP } from './token-issuer';

export type LiveToken =
  | { kind: 'refresh_token'; refreshToken: RefreshToken; grant: TokenGrant }
  | { kind: 'access_token'; claims: JWTPayload; grant: TokenGrant | null };

/** Finds what a presented token stands for, if it is one of ours and still alive; null otherwise. */
@Injectable()
export class TokenLookup {
  constructor(
    private readonly keys: SigningKeys,
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly grants: TokenGrantRepository,
    private readonly statusLists: StatusLists,
  ) {}

  async find(token: string, now: number): Promise<LiveToken | null> {
    // Our access tokens are JWTs (three dot-separated parts); refresh tokens never contain a dot.
    return token.includes('.') ? this.accessToken(token) : this.refreshToken(token, now);
  }

  async accessToken(token: string): Promise<LiveToken | null> {
    if (!isStrictCompactJws(token)) return null;
    const verified = await this.keys.verify(token, { typ: ACCESS_TOKEN_TYP }).catch(() => null);
    if (!verified || !hasFiniteExpiry(verified.payload)) return null;
    const gid = verified.payload.gid;
    if (gid === undefined) {
      // A client's own token: revoked alone, through its status entry.
      if (await this.statusLists.isRevoked(verified.payload)) return null;
      return { kind: 'access_token', claims: verified.payload, grant: null };
    }
    const grant = typeof gid === 'string' ? await this.grants.findActive(gid) : null;
    return grant ? { kind: 'access_token', claims: verified.payload, grant } : null;
  }

  private async refreshToken(token: string, now: number): Promise<LiveToken | null> {
    if (token.length > 128) return null;
    const refreshToken = await this.refreshTokens.findByToken(token);
    if (!refreshToken || refreshToken.usedAt !== null || refreshToken.expiresAt <= now) return null;
    const grant = await this.grants.findActive(refreshToken.grantId);
    return grant ? { kind: 'refresh_token', refreshToken, grant } : null;
  }
}
