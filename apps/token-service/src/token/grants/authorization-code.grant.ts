import { Injectable } from '@nestjs/common';
import { InvalidGrant } from '@tessera/contracts';
import { requiredParam, singleParam } from '../../authorize/params';
import { checkCodeVerifier } from '../../authorize/pkce.rule';
import { splitScope } from '../../authorize/scope.rule';
import { AuditLog } from '../../audit/audit-log';
import { replayDetectedEvent } from '../../audit/token-events';
import { Client } from '../../clients/client.entity';
import { StatusLists } from '../../status-list/status-lists.service';
import { AuthorizationCode } from '../authorization-code.entity';
import { AuthorizationCodeRepository } from '../authorization-code.repository';
import { TokenGrantRepository } from '../token-grant.repository';
import { TokenIssuer, TokenResponse } from '../token-issuer';

/** grant_type=authorization_code (RFC 6749 §4.1.3, RFC 7636 §4.5). */
@Injectable()
export class AuthorizationCodeGrant {
  constructor(
    private readonly codes: AuthorizationCodeRepository,
    private readonly grants: TokenGrantRepository,
    private readonly issuer: TokenIssuer,
    private readonly statusLists: StatusLists,
    private readonly audit: AuditLog,
  ) {}

  async exchange(client: Client, params: Record<string, unknown>, now: number): Promise<TokenResponse> {
    const code = requiredParam(params, 'code');
    const redirectUri = requiredParam(params, 'redirect_uri');
    const verifier = singleParam(params, 'code_verifier');

    const stored = await this.codes.findByCode(code);
    if (!stored) throw new InvalidGrant('the authorization code is invalid');
    if (stored.usedAt !== null) return this.refuseReplay(stored, client, now);
    if (stored.expiresAt <= now) throw new InvalidGrant('the authorization code has expired');
    if (stored.clientId !== client.clientId) throw new InvalidGrant('the authorization code was issued to another client');
    if (stored.redirectUri !== redirectUri) throw new InvalidGrant('redirect_uri differs from the authorization request');
    checkCodeVerifier(verifier, stored.codeChallenge);
    if (!(await this.codes.consume(stored.codeHash, now))) return this.refuseReplay(stored, client, now);

    const grant = await this.grants.create({
      clientId: client.clientId,
      subject: stored.subject,
      scope: stored.scope,
      claims: stored.claims,
      authTime: stored.authTime,
      amr: stored.amr,
      sessionId: stored.sessionId,
      createdAt: now,
    });
    // A replay between consume and here found no grant to revoke and left a mark instead: this grant
    // ends now, and what it issues is revoked on arrival, as if it had been issued a moment sooner.
    if (!(await this.codes.recordGrant(stored.codeHash, grant.id))) await this.statusLists.revokeGrant(grant.id, now);
    return this.issuer.forGrant(grant, client, splitScope(stored.scope), { nonce: stored.nonce, now });
  }

  /** A code used twice may have been stolen: revoke what it already bought (RFC 6749 §4.1.2). */
  private async refuseReplay(stored: AuthorizationCode, client: Client, now: number): Promise<never> {
    // Read again: the exchange that won a race may have recorded its grant since we loaded the row.
    const grantId = await this.codes.grantOfReplayed(stored.codeHash);
    if (grantId) await this.statusLists.revokeGrant(grantId, now);
    this.audit.record(replayDetectedEvent('code.replay_detected', client.clientId, grantId ?? null, stored));
    throw new InvalidGrant('the authorization code was already used');
  }
}
