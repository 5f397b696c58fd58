import { InvalidRequest, OAuthError, UnauthorizedClient, UnsupportedResponseType } from '@tessera/contracts';
import { boundedParam, requiredParam, singleParam } from './params';
import { checkCodeChallenge } from './pkce.rule';
import { allowedScopes, checkAllowedScope, parseScope } from './scope.rule';

export type Prompt = 'none' | 'login' | 'consent';
const PROMPTS: readonly string[] = ['none', 'login', 'consent'];

export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  scope: string[];
  state?: string;
  nonce?: string;
  codeChallenge: string;
  prompt: Prompt[];
  maxAge?: number;
  loginHint?: string;
}

/**
 * The parameters that decide where errors may be sent. Until both are checked against the
 * registered client, nothing is redirected (RFC 6749 §4.1.2.1): errors here go to an error page.
 */
export function readClientAndRedirect(params: Record<string, unknown>): { clientId: string; redirectUri: string } {
  const clientId = requiredParam(params, 'client_id');
  if (clientId.length > 64) throw new InvalidRequest('client_id is unknown');
  // OIDC Core §3.1.2.1 makes redirect_uri REQUIRED.
  const redirectUri = requiredParam(params, 'redirect_uri');
  return { clientId, redirectUri };
}

/** `state`, read on its own so that even an error redirect can carry it back. */
export function readState(params: Record<string, unknown>): string | undefined {
  const value = params.state;
  return typeof value === 'string' && value !== '' && value.length <= 1024 ? value : undefined;
}

/** Everything else; errors here are redirected to the (now trusted) redirect_uri. */
export function validateAuthorizationRequest(
  params: Record<string, unknown>,
  client: { clientId: string; redirectUri: string; grantTypes: string[]; responseTypes: string[]; scope?: string | null },
): AuthorizationRequest {
  if (params.request !== undefined) throw new OAuthError('request_not_supported', 'request objects are not supported');
  if (params.request_uri !== undefined) throw new OAuthError('request_uri_not_supported', 'request_uri is not supported');
  const responseType = requiredParam(params, 'response_type');
  if (responseType !== 'code') throw new UnsupportedResponseType('only response_type=code is supported');
  if (!client.responseTypes.includes('code') || !client.grantTypes.includes('authorization_code')) {
    throw new UnauthorizedClient('the client is not registered for the authorization code flow');
  }
  const responseMode = singleParam(params, 'response_mode');
  if (responseMode !== undefined && responseMode !== 'query') throw new InvalidRequest('only response_mode=query is supported');

  const state = boundedParam(params, 'state', 1024);
  const nonce = boundedParam(params, 'nonce', 512);
  const scope = parseScope(requiredParam(params, 'scope'));
  checkAllowedScope(scope, allowedScopes(client.scope ?? null));
  const codeChallenge = checkCodeChallenge(singleParam(params, 'code_challenge'), singleParam(params, 'code_challenge_method'));
  const prompt = parsePrompt(singleParam(params, 'prompt'));
  const maxAge = parseMaxAge(singleParam(params, 'max_age'));
  const loginHint = boundedParam(params, 'login_hint', 255);

  // offline_access needs a client that may use refresh tokens; otherwise it is ignored (OIDC Core §11).
  const effectiveScope = client.grantTypes.includes('refresh_token') ? scope : scope.filter((s) => s !== 'offline_access');
  return {
    clientId: client.clientId,
    redirectUri: client.redirectUri,
    scope: effectiveScope,
    state,
    nonce,
    codeChallenge,
    prompt,
    maxAge,
    loginHint,
  };
}

function parsePrompt(value: string | undefined): Prompt[] {
  if (value === undefined) return [];
  const prompts = [...new Set(value.split(' ').filter((p) => p !== ''))];
  for (const p of prompts) if (!PROMPTS.includes(p)) throw new InvalidRequest(`unsupported prompt value "${p.slice(0, 32)}"`);
  // OIDC Core §3.1.2.1: none with any other value is an error.
  if (prompts.includes('none') && prompts.length > 1) throw new InvalidRequest('prompt=none cannot be combined with other values');
  return prompts as Prompt[];
}

function parseMaxAge(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value)) throw new InvalidRequest('max_age must be a non-negative whole number of seconds');
  return Number(value);
}
