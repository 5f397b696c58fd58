import { Inject, Injectable } from '@nestjs/common';
import {
  AcceptConsentBody, AcceptLoginBody, ConsentRequest, ConsentRequired, LoginRequest, LoginRequired, OAuthError, RejectBody,
} from '@tessera/contracts';
import { AuditLog } from '../audit/audit-log';
import { AuthorizationRequest } from '../authorize/authorization-request.rule';
import { withParams } from '../authorize/redirect-uri.rule';
import { coversScope, joinScope, splitScope } from '../authorize/scope.rule';
import { Client } from '../clients/client.entity';
import { ClientRepository } from '../clients/client.repository';
import { TOKEN_SERVICE_CONFIG, TokenServiceConfig } from '../config/token-service.config';
import { hashOpaqueToken, newOpaqueToken } from '../crypto/opaque-token';
import { SsoSession } from '../sessions/sso-session.entity';
import { SsoSessionRepository } from '../sessions/sso-session.repository';
import { AuthorizationCodeRepository } from '../token/authorization-code.repository';
import { AuthorizationFlow } from './authorization-flow.entity';
import { AuthorizationFlowRepository } from './authorization-flow.repository';
import { ConsentGrantRepository } from './consent-grant.repository';

/** A challenge that is unknown, expired, or already answered. */
export class FlowNotFound extends OAuthError {
  constructor(what: string) { super('not_found', `no pending ${what} with that challenge`, 404); }
}

/** Where the browser goes next, and the SSO session to set on the way when one was just started. */
export interface FlowStep {
  location: string;
  startedSession?: { token: string; maxAgeSeconds?: number };
}

/**
 * The sign-in flow from the authorization request to the code (the state machine is drawn on
 * AuthorizationFlow). The login UI moves it forward through the internal API; the browser carries
 * it back to the issuer with a verifier, which is where the SSO session and the code are made.
 */
@Injectable()
export class SignInFlow {
  constructor(
    @Inject(TOKEN_SERVICE_CONFIG) private readonly config: TokenServiceConfig,
    private readonly flows: AuthorizationFlowRepository,
    private readonly sessions: SsoSessionRepository,
    private readonly consents: ConsentGrantRepository,
    private readonly codes: AuthorizationCodeRepository,
    private readonly clients: ClientRepository,
    private readonly audit: AuditLog,
  ) {}

  /** After a valid authorization request: reuse the SSO session if nothing forces a login, else ask the login UI. */
  async begin(request: AuthorizationRequest, client: Client, browserHash: string, session: SsoSession | null, now: number): Promise<FlowStep> {
    const flow = this.newFlow(request, browserHash, now);
    const tooOld = session && request.maxAge !== undefined && now - session.authTime > request.maxAge * 1000;
    if (!session || tooOld || request.prompt.includes('login')) {
      // OIDC Core §3.1.2.6: prompt=none must not show anything.
      if (request.prompt.includes('none')) throw new LoginRequired();
      const challenge = newOpaqueToken();
      await this.flows.insert({ ...flow, state: 'login', loginChallengeHash: hashOpaqueToken(challenge) });
      return { location: withParams(`${this.config.loginUiUrl}/login`, { login_challenge: challenge }) };
    }
    Object.assign(flow, {
      subject: session.subject, authTime: session.authTime, amr: session.amr, claims: session.claims,
      remember: session.remember, sessionId: session.id,
    });
    return { location: await this.consentOrCode(flow, client, now, false) };
  }

  async loginRequest(challenge: string, now: number): Promise<LoginRequest> {
    const flow = await this.pending('loginChallengeHash', challenge, 'login', now, 'login request');
    const client = await this.clientOf(flow);
    return {
      challenge,
      client: summary(client),
      requestedScope: splitScope(flow.scope),
      ...(flow.loginHint ? { loginHint: flow.loginHint } : {}),
    };
  }

  async acceptLogin(challenge: string, body: AcceptLoginBody, now: number): Promise<string> {
    const flow = await this.pending('loginChallengeHash', challenge, 'login', now, 'login request');
    const verifier = newOpaqueToken();
    const moved = await this.flows.advance(flow.id, 'login', {
      state: 'login_accepted',
      loginVerifierHash: hashOpaqueToken(verifier),
      subject: body.subject,
      authTime: now,
      amr: body.amr,
      claims: { ...body.claims },
      remember: body.remember,
    });
    if (!moved) throw new FlowNotFound('login request');
    return withParams(`${this.config.issuer}/oauth2/authorize/resume`, { login_verifier: verifier });
  }

  /** The browser is back from the login UI: start the SSO session, then consent or code. */
  async resumeAfterLogin(verifier: string, browserHash: string | undefined, now: number): Promise<FlowStep> {
    const flow = await this.pending('loginVerifierHash', verifier, 'login_accepted', now, 'sign-in');
    if (flow.browserHash !== browserHash) throw new OAuthError('invalid_request', 'this sign-in was started in another browser');
    const client = await this.clientOf(flow);
    const ttl = flow.remember ? this.config.ttl.rememberedSession : this.config.ttl.session;
    // Claim the verifier first, so a replay cannot start a second session.
    if (!(await this.flows.advance(flow.id, 'login_accepted', { state: 'consent', loginVerifierHash: null }))) {
      throw new FlowNotFound('sign-in');
    }
    const { session, token } = await this.sessions.start({
      subject: flow.subject!, authTime: flow.authTime!, amr: flow.amr ?? [], claims: flow.claims ?? {},
      remember: !!flow.remember, expiresAt: now + ttl * 1000,
    }, now);
    flow.sessionId = session.id;
    flow.state = 'consent';
    return {
      location: await this.consentOrCode(flow, client, now, true),
      startedSession: { token, maxAgeSeconds: flow.remember ? ttl : undefined },
    };
  }

  async consentRequest(challenge: string, now: number): Promise<ConsentRequest> {
    const flow = await this.pending('consentChallengeHash', challenge, 'consent', now, 'consent request');
    const client = await this.clientOf(flow);
    return { challenge, client: summary(client), requestedScope: splitScope(flow.scope), subject: flow.subject! };
  }

  async acceptConsent(challenge: string, body: AcceptConsentBody, now: number): Promise<string> {
    const flow = await this.pending('consentChallengeHash', challenge, 'consent', now, 'consent request');
    const requested = splitScope(flow.scope);
    const extra = body.grantScope.filter((s) => !requested.includes(s));
    if (extra.length) throw new OAuthError('invalid_request', `grantScope includes scopes that were not requested: ${extra.join(' ')}`);
    const verifier = newOpaqueToken();
    const grantedScope = joinScope(requested.filter((s) => body.grantScope.includes(s)));
    const moved = await this.flows.advance(flow.id, 'consent', {
      state: 'consent_accepted',
      consentVerifierHash: hashOpaqueToken(verifier),
      grantedScope,
      rememberConsent: body.remember,
    });
    if (!moved) throw new FlowNotFound('consent request');
    this.audit.record({ type: 'consent.granted', actor: flow.subject, subject: flow.subject, clientId: flow.clientId, sessionId: flow.sessionId, details: { scope: grantedScope, remember: body.remember } });
    return withParams(`${this.config.issuer}/oauth2/authorize/resume`, { consent_verifier: verifier });
  }

  async resumeAfterConsent(verifier: string, browserHash: string | undefined, now: number): Promise<string> {
    const flow = await this.pending('consentVerifierHash', verifier, 'consent_accepted', now, 'consent');
    if (flow.browserHash !== browserHash) throw new OAuthError('invalid_request', 'this sign-in was started in another browser');
    if (!(await this.flows.advance(flow.id, 'consent_accepted', { state: 'done', consentVerifierHash: null }))) {
      throw new FlowNotFound('consent');
    }
    const granted = splitScope(flow.grantedScope ?? '');
    if (flow.rememberConsent) await this.consents.remember(flow.subject!, flow.clientId, granted, now);
    return this.issueCode(flow, granted, now);
  }

  /** The login UI refused (or the person denied): the partner learns it on its redirect_uri. */
  async reject(kind: 'login' | 'consent', challenge: string, body: RejectBody, now: number): Promise<string> {
    const column = kind === 'login' ? 'loginChallengeHash' : 'consentChallengeHash';
    const flow = await this.pending(column, challenge, kind, now, `${kind} request`);
    if (!(await this.flows.advance(flow.id, kind, { state: 'rejected', [column]: null }))) throw new FlowNotFound(`${kind} request`);
    if (kind === 'consent') this.audit.record({ type: 'consent.denied', actor: flow.subject, subject: flow.subject, clientId: flow.clientId, sessionId: flow.sessionId, reason: body.error });
    return this.errorRedirect(flow, new OAuthError(body.error, body.errorDescription ?? 'the request was refused'));
  }

  errorRedirect(target: { redirectUri: string; oauthState?: string | null }, error: OAuthError): string {
    return withParams(target.redirectUri, {
      error: error.error,
      error_description: error.errorDescription,
      state: target.oauthState ?? undefined,
      iss: this.config.issuer,
    });
  }

  /** Consent is skipped for first-party clients and for scopes the person already allowed this client. */
  private async consentOrCode(flow: AuthorizationFlow, client: Client, now: number, persisted: boolean): Promise<string> {
    const requested = splitScope(flow.scope);
    const forced = (flow.prompt ?? '').split(' ').includes('consent');
    const remembered = client.firstParty || forced ? [] : await this.consents.rememberedScope(flow.subject!, flow.clientId);
    if (client.firstParty || (!forced && coversScope(remembered, requested))) {
      if (persisted && !(await this.flows.advance(flow.id, 'consent', { state: 'done' }))) throw new FlowNotFound('sign-in');
      return this.issueCode(flow, requested, now);
    }
    if ((flow.prompt ?? '').split(' ').includes('none')) throw new ConsentRequired();
    const challenge = newOpaqueToken();
    if (persisted) {
      const changes = { state: 'consent' as const, consentChallengeHash: hashOpaqueToken(challenge), sessionId: flow.sessionId };
      if (!(await this.flows.advance(flow.id, 'consent', changes))) {
        throw new FlowNotFound('sign-in');
      }
    } else {
      await this.flows.insert({ ...flow, state: 'consent', consentChallengeHash: hashOpaqueToken(challenge) });
    }
    return withParams(`${this.config.loginUiUrl}/consent`, { consent_challenge: challenge });
  }

  private async issueCode(flow: AuthorizationFlow, scope: string[], now: number): Promise<string> {
    const code = await this.codes.issue({
      clientId: flow.clientId,
      redirectUri: flow.redirectUri,
      codeChallenge: flow.codeChallenge,
      nonce: flow.nonce,
      scope: joinScope(scope),
      subject: flow.subject!,
      authTime: flow.authTime!,
      amr: flow.amr ?? [],
      claims: flow.claims ?? {},
      sessionId: flow.sessionId!,
      expiresAt: now + this.config.ttl.authorizationCode * 1000,
    });
    // RFC 9207: iss tells the client which issuer answered (mix-up defence).
    return withParams(flow.redirectUri, { code, state: flow.oauthState ?? undefined, iss: this.config.issuer });
  }

  private newFlow(request: AuthorizationRequest, browserHash: string, now: number): AuthorizationFlow {
    return {
      id: newOpaqueToken(16), state: 'login',
      loginChallengeHash: null, loginVerifierHash: null, consentChallengeHash: null, consentVerifierHash: null,
      browserHash, clientId: request.clientId, redirectUri: request.redirectUri, scope: joinScope(request.scope),
      oauthState: request.state ?? null, nonce: request.nonce ?? null, codeChallenge: request.codeChallenge,
      prompt: request.prompt.length ? request.prompt.join(' ') : null, maxAge: request.maxAge ?? null,
      loginHint: request.loginHint ?? null, subject: null, authTime: null, amr: null, claims: null, remember: null,
      sessionId: null, grantedScope: null, rememberConsent: null,
      createdAt: now, expiresAt: now + this.config.ttl.flow * 1000,
    };
  }

  private async pending(
    column: 'loginChallengeHash' | 'loginVerifierHash' | 'consentChallengeHash' | 'consentVerifierHash',
    secret: string, state: AuthorizationFlow['state'], now: number, what: string,
  ): Promise<AuthorizationFlow> {
    const flow = await this.flows.findBySecret(column, secret, state, now);
    if (!flow) throw new FlowNotFound(what);
    return flow;
  }

  private async clientOf(flow: AuthorizationFlow): Promise<Client> {
    const client = await this.clients.findById(flow.clientId);
    if (!client) throw new FlowNotFound('sign-in'); // the client was deleted meanwhile
    return client;
  }
}

function summary(client: Client): LoginRequest['client'] {
  return { clientId: client.clientId, clientName: client.clientName, ...(client.clientUri ? { clientUri: client.clientUri } : {}) };
}
