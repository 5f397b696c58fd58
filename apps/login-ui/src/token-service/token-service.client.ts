import { Inject, Injectable } from '@nestjs/common';
import {
  AcceptConsentBody, AcceptLoginBody, AuditEventSubmission, ConsentRequest, INTERNAL_API_PREFIX, LoginRequest, LogoutRequest,
  RedirectResponse, RejectBody, SubjectRevocation,
} from '@tessera/contracts';
import { LOGIN_UI_CONFIG, LoginUiConfig } from '../config/login-ui.config';
import { ChallengeNotFound, TokenServiceProtocolError, TokenServiceUnavailable } from './token-service.errors';

const TIMEOUT_MS = 5_000;

type Flow = 'login-requests' | 'consent-requests' | 'logout-requests';

/** The login/consent/logout provider API of the token service (libs/contracts interaction.ts). */
@Injectable()
export class TokenServiceClient {
  constructor(@Inject(LOGIN_UI_CONFIG) private readonly config: Pick<LoginUiConfig, 'tokenServiceInternalUrl' | 'internalApiSecret'>) {}

  getLoginRequest(challenge: string): Promise<LoginRequest> {
    return this.call('GET', 'login-requests', challenge);
  }

  acceptLogin(challenge: string, body: AcceptLoginBody): Promise<RedirectResponse> {
    return this.decide('login-requests', challenge, 'accept', body);
  }

  getConsentRequest(challenge: string): Promise<ConsentRequest> {
    return this.call('GET', 'consent-requests', challenge);
  }

  acceptConsent(challenge: string, body: AcceptConsentBody): Promise<RedirectResponse> {
    return this.decide('consent-requests', challenge, 'accept', body);
  }

  rejectConsent(challenge: string, body: RejectBody): Promise<RedirectResponse> {
    return this.decide('consent-requests', challenge, 'reject', body);
  }

  getLogoutRequest(challenge: string): Promise<LogoutRequest> {
    return this.call('GET', 'logout-requests', challenge);
  }

  acceptLogout(challenge: string): Promise<RedirectResponse> {
    return this.decide('logout-requests', challenge, 'accept', {});
  }

  rejectLogout(challenge: string, body: RejectBody): Promise<RedirectResponse> {
    return this.decide('logout-requests', challenge, 'reject', body);
  }

  /** Hands a batch of audit events (contracts audit.ts) to the token service's audit trail. */
  async recordAuditEvents(events: AuditEventSubmission[]): Promise<void> {
    const res = await this.send('POST', `${INTERNAL_API_PREFIX}/audit-events`, 'audit-events', { events });
    await res.body?.cancel();
    if (res.status >= 500) throw new TokenServiceUnavailable(`POST audit-events: HTTP ${res.status}`);
    if (!res.ok) throw new TokenServiceProtocolError(`POST audit-events: HTTP ${res.status}`);
  }

  /**
   * Ends every SSO session of the person and revokes all their grants, so their refresh tokens stop
   * working and their access tokens are marked in the status list (contracts SubjectRevocation).
   * `actor` names the administrator in the token service's audit events.
   */
  async revokeSubject(subject: string, actor: string): Promise<SubjectRevocation> {
    const res = await this.send('POST', `${INTERNAL_API_PREFIX}/subjects/${encodeURIComponent(subject)}/revoke`, 'subjects/revoke', { actor });
    if (res.status >= 500) throw new TokenServiceUnavailable(`POST subjects/revoke: HTTP ${res.status}`);
    if (!res.ok) throw new TokenServiceProtocolError(`POST subjects/revoke: HTTP ${res.status}`);
    try {
      return (await res.json()) as SubjectRevocation;
    } catch {
      throw new TokenServiceProtocolError('POST subjects/revoke: the answer is not JSON');
    }
  }

  private async decide(flow: Flow, challenge: string, decision: 'accept' | 'reject', body: object): Promise<RedirectResponse> {
    const answer = await this.call<RedirectResponse>('PUT', flow, challenge, decision, body);
    if (!isHttpUrl(answer?.redirectTo)) throw new TokenServiceProtocolError(`PUT ${flow}/…/${decision} answered without a usable redirectTo`);
    return { redirectTo: answer.redirectTo };
  }

  private async call<T>(method: 'GET' | 'PUT', flow: Flow, challenge: string, decision?: string, body?: object): Promise<T> {
    const path = `${INTERNAL_API_PREFIX}/${flow}/${encodeURIComponent(challenge)}${decision ? `/${decision}` : ''}`;
    const res = await this.send(method, path, flow, body);
    // The path holds the challenge, a bearer credential for this flow: errors name the flow only.
    if (res.status === 404 || res.status === 409 || res.status === 410) throw new ChallengeNotFound();
    if (res.status >= 500) throw new TokenServiceUnavailable(`${method} ${flow}: HTTP ${res.status}`);
    if (!res.ok) throw new TokenServiceProtocolError(`${method} ${flow}: HTTP ${res.status}`);
    try {
      return (await res.json()) as T;
    } catch {
      throw new TokenServiceProtocolError(`${method} ${flow}: the answer is not JSON`);
    }
  }

  /** `what` names the call in errors; never the path, which may hold a challenge. */
  private async send(method: 'GET' | 'PUT' | 'POST', path: string, what: string, body?: object): Promise<Response> {
    try {
      return await fetch(`${this.config.tokenServiceInternalUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.config.internalApiSecret}`,
          accept: 'application/json',
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        redirect: 'error',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      throw new TokenServiceUnavailable(`${method} ${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
