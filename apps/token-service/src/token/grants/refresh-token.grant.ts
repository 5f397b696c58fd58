import { Injectable } from '@nestjs/common';
import { InvalidGrant } from '@tessera/contracts';
import { requiredParam, singleParam } from '../../authorize/params';
import { narrowScope, splitScope } from '../../authorize/scope.rule';
import { AuditLog } from '../../audit/audit-log';
import { replayDetectedEvent } from '../../audit/token-events';
import { Client } from '../../clients/client.entity';
import { StatusLists } from '../../status-list/status-lists.service';
import { RefreshTokenRepository } from '../refresh-token.repository';
import { TokenGrantRepository } from '../token-grant.repository';
import { TokenIssuer, TokenResponse } from '../token-issuer';

/** grant_type=refresh_token (RFC 6749 §6), rotated on every use (RFC 9700 §4.14.2). */
@Injectable()
export class RefreshTokenGrant {
  constructor(
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly grants: TokenGrantRepository,
    private readonly issuer: TokenIssuer,
    private readonly statusLists: StatusLists,
    private readonly audit: AuditLog,
  ) {}

  async exchange(client: Client, params: Record<string, unknown>, now: number): Promise<TokenResponse> {
    const token = requiredParam(params, 'refresh_token');
    const stored = await this.refreshTokens.findByToken(token);
    // RFC 6749 §10.4: a refresh token is bound to the client it was issued to.
    if (!stored || stored.clientId !== client.clientId) throw new InvalidGrant('the refresh token is invalid');
    if (stored.usedAt !== null) {
      // Reuse of a rotated token means two parties hold it: end the whole family (RFC 9700 §4.14.2).
      const family = await this.grants.findActive(stored.grantId);
      await this.statusLists.revokeGrant(stored.grantId, now);
      this.audit.record(replayDetectedEvent('refresh_token.reuse_detected', client.clientId, stored.grantId, family));
      throw new InvalidGrant('the refresh token was already used');
    }
    if (stored.expiresAt <= now) throw new InvalidGrant('the refresh token has expired');
    const grant = await this.grants.findActive(stored.grantId);
    if (!grant) throw new InvalidGrant('the refresh token was revoked');
    const scope = narrowScope(singleParam(params, 'scope'), splitScope(stored.scope));
    if (!(await this.refreshTokens.consume(stored.tokenHash, now))) {
      // Lost a race with a concurrent refresh of the same token: exactly one may win.
      await this.statusLists.revokeGrant(stored.grantId, now);
      this.audit.record(replayDetectedEvent('refresh_token.reuse_detected', client.clientId, stored.grantId, grant, 'concurrent_use'));
      throw new InvalidGrant('the refresh token was already used');
    }
    // OIDC Core §12.2: a refreshed ID token carries no nonce.
    return this.issuer.forGrant(grant, client, scope, { now });
  }
}
