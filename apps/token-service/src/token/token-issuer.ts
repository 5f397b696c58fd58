import { Inject, Injectable } from '@nestjs/common';
import { ADMIN_ROLE } from '@tessera/contracts';
import { decodeProtectedHeader, JWTPayload } from 'jose';
import { createHash, randomUUID } from 'node:crypto';
import { accessTokenAudience, claimsForScope, rolesOf } from '../claims/claims.rule';
import { joinScope } from '../authorize/scope.rule';
import { Client } from '../clients/client.entity';
import { TOKEN_SERVICE_CONFIG, TokenServiceConfig } from '../config/token-service.config';
import { SigningKeys } from '../keys/signing-keys.service';
import { StatusLists } from '../status-list/status-lists.service';
import { RefreshTokenRepository } from './refresh-token.repository';
import { TokenGrant } from './token-grant.entity';

/** RFC 6749 §5.1 */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  id_token?: string;
  refresh_token?: string;
}

export const ACCESS_TOKEN_TYP = 'at+jwt';

/**
 * RFC 7519 §4.1.7: a value no other token gets. randomUUID (122 random bits) draws from a buffered
 * pool, where a randomBytes call per token went into OpenSSL's generator every time (issue 5).
 */
const newJti = randomUUID;
export const ID_TOKEN_TYP = 'JWT';

/** Mints the tokens of a response; decides nothing about whether they may be issued. */
@Injectable()
export class TokenIssuer {
  constructor(
    @Inject(TOKEN_SERVICE_CONFIG) private readonly config: TokenServiceConfig,
    private readonly keys: SigningKeys,
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly statusLists: StatusLists,
  ) {}

  /**
   * Tokens for a person's grant. `scope` is what this response carries (narrowed on refresh);
   * the refresh token keeps the grant's full scope (RFC 6749 §6).
   */
  async forGrant(grant: TokenGrant, client: Client, scope: string[], options: { nonce?: string | null; now: number }): Promise<TokenResponse> {
    const now = Math.floor(options.now / 1000);
    const accessToken = await this.signAccessToken({
      iss: this.config.issuer,
      sub: grant.subject,
      ...accessTokenAudience(scope, client.clientId, this.config.issuer, rolesOf(grant.claims)),
      client_id: client.clientId,
      scope: joinScope(scope),
      auth_time: Math.floor(grant.authTime / 1000),
      gid: grant.id,
      jti: newJti(),
      iat: now,
      exp: now + this.config.ttl.accessToken,
    }, grant.id, options.now);
    const response: TokenResponse = { access_token: accessToken, token_type: 'Bearer', expires_in: this.config.ttl.accessToken, scope: joinScope(scope) };
    if (scope.includes('openid')) {
      response.id_token = await this.keys.sign({
        iss: this.config.issuer,
        sub: grant.subject,
        aud: client.clientId,
        exp: now + this.config.ttl.idToken,
        iat: now,
        auth_time: Math.floor(grant.authTime / 1000),
        ...(options.nonce ? { nonce: options.nonce } : {}),
        sid: grant.sessionId,
        amr: grant.amr,
        at_hash: halfHash(accessToken),
        ...claimsForScope(grant.claims, scope),
      }, ID_TOKEN_TYP);
    }
    if (grant.scope.split(' ').includes('offline_access') && client.grantTypes.includes('refresh_token')) {
      response.refresh_token = await this.refreshTokens.issue({
        grantId: grant.id,
        clientId: client.clientId,
        scope: grant.scope,
        createdAt: options.now,
        expiresAt: options.now + this.config.ttl.refreshToken * 1000,
      });
    }
    return response;
  }

  /** A client acting on its own behalf: an access token only (RFC 6749 §4.4.3: no refresh token). */
  async forClient(client: Client, scope: string[], nowMs: number): Promise<TokenResponse> {
    const now = Math.floor(nowMs / 1000);
    const accessToken = await this.signAccessToken({
      iss: this.config.issuer,
      sub: client.clientId,
      // A client allowed tessera:admin is an admin service client by the operator's decision.
      ...accessTokenAudience(scope, client.clientId, this.config.issuer, [ADMIN_ROLE]),
      client_id: client.clientId,
      scope: joinScope(scope),
      jti: newJti(),
      iat: now,
      exp: now + this.config.ttl.accessToken,
    }, null, nowMs);
    return { access_token: accessToken, token_type: 'Bearer', expires_in: this.config.ttl.accessToken, scope: joinScope(scope) };
  }

  /**
   * Every access token gets its own entry in a Token Status List, so revoking it reaches verifiers
   * that never call back (draft-ietf-oauth-status-list §6.1). The entry is recorded before the token
   * leaves: a revocation can always find it (and one that came meanwhile has ended it: StatusLists.record).
   */
  private async signAccessToken(claims: JWTPayload & { exp: number }, grantId: string | null, nowMs: number): Promise<string> {
    const reference = await this.statusLists.allocate(nowMs);
    const token = await this.keys.sign({ ...claims, status: { status_list: { idx: reference.idx, uri: reference.uri } } }, ACCESS_TOKEN_TYP);
    await this.statusLists.record(reference, { grantId, kid: decodeProtectedHeader(token).kid as string, expiresAt: claims.exp * 1000 }, nowMs);
    return token;
  }
}

/** at_hash: base64url of the left half of SHA-256 of the access token (OIDC Core §3.1.3.6, RS256). */
function halfHash(token: string): string {
  const digest = createHash('sha256').update(token, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
