import { Inject, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ADMIN_API_PREFIX, AdminApiError } from '@tessera/contracts';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LOGIN_UI_CONFIG, LoginUiConfig } from '../config/login-ui.config';
import { AdminApiPageError, ConsoleSessionEnded } from './console-errors';
import type { ConsoleSession } from './console-session';

const TIMEOUT_MS = 10_000;
const UNREACHABLE: AdminApiError = { error: 'unavailable', message: 'The admin API cannot be reached right now. Try again in a moment.' };
const ERROR_CODES: readonly AdminApiError['error'][] = [
  'invalid_request', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'too_large', 'rate_limited', 'unavailable', 'server_error',
];

/** Query values; arrays repeat the parameter (`?type=a&type=b`); undefined and '' are left out. */
export type AdminQuery = Record<string, string | number | boolean | string[] | undefined>;

/**
 * Which admin API: the token service's, on its internal listener (clients, keys, sessions, audit
 * events, initial access tokens, stats), or the login UI's own (users), reached on this process's
 * own listener so that it checks the token exactly as for any other caller.
 */
export type AdminApiTarget = 'token-service' | 'login-ui';

/**
 * The console's way to the admin API (contracts admin-api.ts), always with the signed-in
 * administrator's own access token: the API authorises and audits the person, not the console.
 * Paths are relative to `/admin/api/v1` and must encode their own segments.
 *
 * - 2xx: the JSON body (undefined for 204).
 * - 401: the token is no longer accepted (expired early, revoked): `ConsoleSessionEnded`, and the
 *   console signs the person in again.
 * - any other error, or no answer: `AdminApiPageError` with the status and the API's message.
 *
 * @example
 * const page = await this.api.get<Page<AdminSigningKey>>(session, '/keys', { limit: 50 });
 * await this.api.post(session, `/keys/${encodeURIComponent(kid)}/revoke`);
 * const users = await this.api.get<Page<AdminUser>>(session, '/users', { q: 'ada' }, 'login-ui');
 */
@Injectable()
export class AdminApiClient {
  private readonly logger = new Logger('AdminApiClient');

  constructor(
    @Inject(LOGIN_UI_CONFIG) private readonly config: Pick<LoginUiConfig, 'tokenServiceInternalUrl'>,
    @Inject(HttpAdapterHost) private readonly http: HttpAdapterHost,
  ) {}

  get<T>(session: ConsoleSession, path: string, query: AdminQuery = {}, target: AdminApiTarget = 'token-service'): Promise<T> {
    return this.call<T>(session, 'GET', path + queryString(query), undefined, target);
  }

  post<T>(session: ConsoleSession, path: string, body?: object, target: AdminApiTarget = 'token-service'): Promise<T> {
    return this.call<T>(session, 'POST', path, body, target);
  }

  put<T>(session: ConsoleSession, path: string, body: object, target: AdminApiTarget = 'token-service'): Promise<T> {
    return this.call<T>(session, 'PUT', path, body, target);
  }

  patch<T>(session: ConsoleSession, path: string, body: object, target: AdminApiTarget = 'token-service'): Promise<T> {
    return this.call<T>(session, 'PATCH', path, body, target);
  }

  delete(session: ConsoleSession, path: string, target: AdminApiTarget = 'token-service'): Promise<void> {
    return this.call<void>(session, 'DELETE', path, undefined, target);
  }

  private async call<T>(session: ConsoleSession, method: string, path: string, body: object | undefined, target: AdminApiTarget): Promise<T> {
    const url = `${this.base(target)}${ADMIN_API_PREFIX}${path}`;
    const route = `${method} ${path.split('?')[0]}`;
    let res: globalThis.Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${session.accessToken}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      // The route only: paths hold ids at most, never a token, but the query may hold a person's name.
      this.logger.warn(`${route} failed: ${err instanceof Error ? err.message : String(err)}`);
      throw new AdminApiPageError(503, UNREACHABLE);
    }
    if (res.status === 401) {
      await res.body?.cancel();
      throw new ConsoleSessionEnded();
    }
    const text = await res.text();
    if (res.ok) return (text === '' ? undefined : JSON.parse(text)) as T;
    throw new AdminApiPageError(res.status, apiError(text, res.status));
  }

  private base(target: AdminApiTarget): string {
    if (target === 'token-service') return this.config.tokenServiceInternalUrl;
    const address = (this.http.httpAdapter.getHttpServer() as Server).address() as AddressInfo;
    const host = ['0.0.0.0', '::'].includes(address.address) ? '127.0.0.1' : address.address;
    return `http://${address.family === 'IPv6' && host !== '127.0.0.1' ? `[${host}]` : host}:${address.port}`;
  }
}

function queryString(query: AdminQuery): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    for (const one of Array.isArray(value) ? value : [value]) {
      if (one !== undefined && one !== '') params.append(name, String(one));
    }
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The API's error body when it is one; a neutral one in its shape otherwise. */
function apiError(text: string, status: number): AdminApiError {
  try {
    const body = JSON.parse(text) as Partial<AdminApiError>;
    if (typeof body.message === 'string' && ERROR_CODES.includes(body.error as AdminApiError['error'])) return body as AdminApiError;
  } catch {
    // not JSON: below
  }
  return status >= 500 ? { error: 'server_error', message: 'The admin API could not complete the request.' } : { error: 'invalid_request', message: `The admin API refused the request (HTTP ${status}).` };
}
