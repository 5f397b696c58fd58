import { Inject, Injectable } from '@nestjs/common';
import { InvalidRequest, LogoutRequest as LogoutRequestView } from '@tessera/contracts';
import { boundedParam, singleParam } from '../authorize/params';
import { withParams } from '../authorize/redirect-uri.rule';
import { Client } from '../clients/client.entity';
import { ClientRepository } from '../clients/client.repository';
import { TOKEN_SERVICE_CONFIG, TokenServiceConfig } from '../config/token-service.config';
import { hashOpaqueToken, newOpaqueToken } from '../crypto/opaque-token';
import { FlowNotFound } from '../flow/sign-in-flow.service';
import { SigningKeys } from '../keys/signing-keys.service';
import { SsoSession } from '../sessions/sso-session.entity';
import { SsoSessionRepository } from '../sessions/sso-session.repository';
import { StatusLists } from '../status-list/status-lists.service';
import { audienceOf, hasFiniteExpiry, isStrictCompactJws } from '../token/own-jwt.rule';
import { ID_TOKEN_TYP } from '../token/token-issuer';
import { LogoutRequest } from './logout-request.entity';
import { LogoutRequestRepository } from './logout-request.repository';
import { AuditLog } from '../audit/audit-log';
import { BackChannelLogout } from './backchannel/backchannel-logout.service';

/**
 * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0). The person confirms on the login UI
 * (so a cross-site request cannot sign them out), then the browser returns here to end the session.
 */
@Injectable()
export class LogoutFlow {
  constructor(
    @Inject(TOKEN_SERVICE_CONFIG) private readonly config: TokenServiceConfig,
    private readonly keys: SigningKeys,
    private readonly clients: ClientRepository,
    private readonly requests: LogoutRequestRepository,
    private readonly sessions: SsoSessionRepository,
    private readonly statusLists: StatusLists,
    private readonly backChannel: BackChannelLogout,
    private readonly audit: AuditLog,
  ) {}

  async begin(params: Record<string, unknown>, browserHash: string, session: SsoSession | null, now: number): Promise<string> {
    const client = await this.identifyClient(params);
    const postLogoutRedirectUri = singleParam(params, 'post_logout_redirect_uri');
    // §3: only a URI registered for the identified client, compared exactly.
    if (postLogoutRedirectUri !== undefined && (!client || !client.postLogoutRedirectUris.includes(postLogoutRedirectUri))) {
      throw new InvalidRequest('post_logout_redirect_uri is not registered for this client');
    }
    const request: LogoutRequest = {
      id: newOpaqueToken(16), challengeHash: '', verifierHash: null, browserHash,
      sessionId: session?.id ?? null, clientId: client?.clientId ?? null,
      postLogoutRedirectUri: postLogoutRedirectUri ?? null, oauthState: boundedParam(params, 'state', 1024) ?? null,
      status: 'pending', expiresAt: now + this.config.ttl.flow * 1000,
    };
    // Nobody is signed in here: nothing to confirm.
    if (!session) return this.destination(request);
    const challenge = newOpaqueToken();
    await this.requests.insert({ ...request, challengeHash: hashOpaqueToken(challenge) });
    return withParams(`${this.config.loginUiUrl}/logout`, { logout_challenge: challenge });
  }

  async request(challenge: string, now: number): Promise<LogoutRequestView> {
    const request = await this.requests.findByChallenge(challenge, now);
    if (!request) throw new FlowNotFound('logout request');
    const client = request.clientId ? await this.clients.findById(request.clientId) : null;
    return { challenge, ...(client ? { client: { clientId: client.clientId, clientName: client.clientName } } : {}) };
  }

  async accept(challenge: string, now: number): Promise<string> {
    const request = await this.requests.findByChallenge(challenge, now);
    if (!request) throw new FlowNotFound('logout request');
    const verifier = newOpaqueToken();
    if (!(await this.requests.advance(request.id, 'pending', { status: 'accepted', verifierHash: hashOpaqueToken(verifier) }))) {
      throw new FlowNotFound('logout request');
    }
    return withParams(`${this.config.issuer}/oauth2/logout/complete`, { logout_verifier: verifier });
  }

  /** The person chose to stay signed in: back to the login UI's home, the session untouched. */
  async reject(challenge: string, now: number): Promise<string> {
    const request = await this.requests.findByChallenge(challenge, now);
    if (!request || !(await this.requests.advance(request.id, 'pending', { status: 'done' }))) throw new FlowNotFound('logout request');
    return `${this.config.loginUiUrl}/`;
  }

  /**
   * Ends the session the logout was asked for, from the browser that asked. The browser is sent on
   * only once the session's partners have been told over the back channel (or BACKCHANNEL_LOGOUT_WAIT
   * has passed): a partner page the person returns to must already be signed out — unlike
   * ory/hydra#3186, where the redirect races the logout tokens.
   */
  async complete(verifier: string, browserHash: string | undefined, now: number): Promise<string> {
    const request = await this.requests.findByVerifier(verifier, now);
    if (!request || request.browserHash !== browserHash) throw new FlowNotFound('logout');
    if (!(await this.requests.advance(request.id, 'accepted', { status: 'done', verifierHash: null }))) throw new FlowNotFound('logout');
    if (request.sessionId) {
      await this.sessions.end(request.sessionId, now);
      // The tokens bought with the session end with it, also for verifiers that never call back.
      await this.statusLists.revokeSessionGrants(request.sessionId, now);
      const session = await this.sessions.findById(request.sessionId);
      if (session) await this.backChannel.sessionsEnded([{ id: session.id, subject: session.subject }]);
      this.audit.record({ type: 'logout', actor: session?.subject ?? null, subject: session?.subject ?? null, clientId: request.clientId, sessionId: request.sessionId });
    }
    return this.destination(request);
  }

  private destination(request: LogoutRequest): string {
    if (request.postLogoutRedirectUri) {
      return withParams(request.postLogoutRedirectUri, { state: request.oauthState ?? undefined });
    }
    return `${this.config.loginUiUrl}/logged-out`;
  }

  /** The client named by id_token_hint (its audience) and/or client_id; they must agree. */
  private async identifyClient(params: Record<string, unknown>): Promise<Client | null> {
    const hint = singleParam(params, 'id_token_hint');
    const clientIdParam = singleParam(params, 'client_id');
    let audience: string[] = [];
    if (hint !== undefined) {
      const notOurs = new InvalidRequest('id_token_hint is not an ID token issued here');
      if (!isStrictCompactJws(hint)) throw notOurs;
      // An expired ID token is still a fine hint of who asks (RP-Initiated Logout §2).
      const { payload } = await this.keys.verify(hint, { typ: ID_TOKEN_TYP, allowExpired: true }).catch(() => { throw notOurs; });
      const aud = audienceOf(payload);
      if (!hasFiniteExpiry(payload) || !aud) throw notOurs;
      audience = aud;
    }
    if (clientIdParam !== undefined && hint !== undefined && !audience.includes(clientIdParam)) {
      throw new InvalidRequest('client_id does not match the id_token_hint');
    }
    const clientId = clientIdParam ?? (audience.length === 1 ? audience[0] : undefined);
    if (clientId === undefined) return null;
    const client = await this.clients.findById(clientId);
    if (!client && clientIdParam !== undefined) throw new InvalidRequest('client_id is unknown');
    return client;
  }
}
