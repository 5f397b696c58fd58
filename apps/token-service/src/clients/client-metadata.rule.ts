import { ADMIN_SCOPE, InvalidClientMetadata, InvalidRedirectUri, InvalidScope } from '@tessera/contracts';
import { joinScope, parseScope } from '../authorize/scope.rule';

export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export const RESPONSE_TYPES = ['code'] as const;
export const TOKEN_ENDPOINT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];
export type ResponseType = (typeof RESPONSE_TYPES)[number];
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];

export interface ValidatedClientMetadata {
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  grantTypes: GrantType[];
  responseTypes: ResponseType[];
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  clientName: string;
  clientUri?: string;
  /** RFC 7591 §2 `scope`: the scopes the client may obtain, space-separated; absent means the OIDC ones. */
  scope?: string;
  /** OIDC Back-Channel Logout 1.0 §2.2: where the logout token is POSTed; absent means no back-channel logout. */
  backchannelLogoutUri?: string;
  /** Whether the RP needs `sid` in the logout token (§2.2); Tessera always sends it. */
  backchannelLogoutSessionRequired: boolean;
}

const MAX_REDIRECT_URIS = 20;
const MAX_URI_LENGTH = 2000;
const MAX_CLIENT_NAME_LENGTH = 200;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface MetadataOptions {
  /** The admin API and the CLI may allow a client `tessera:admin`; dynamic registration never can. */
  adminScope?: boolean;
}

/**
 * Client metadata as RFC 7591 §2 defines it, checked and given its defaults. Unknown members are
 * ignored (§2); a member sent as null counts as absent. Wrong JSON types are invalid_client_metadata,
 * unacceptable redirect URIs (missing, empty, malformed, insecure) invalid_redirect_uri (§3.2.2).
 */
export function validateClientMetadata(input: unknown, options: MetadataOptions = {}): ValidatedClientMetadata {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidClientMetadata('the client metadata must be a JSON object');
  }
  const metadata = input as Record<string, unknown>;

  const redirectUris = redirectUriList(metadata, 'redirect_uris') ?? [];
  const postLogoutRedirectUris = redirectUriList(metadata, 'post_logout_redirect_uris') ?? [];

  const grantTypes = memberList(metadata, 'grant_types', GRANT_TYPES) ?? ['authorization_code'];
  if (grantTypes.length === 0) throw new InvalidClientMetadata('grant_types must not be empty');
  const usesCode = grantTypes.includes('authorization_code');
  // RFC 7591 §2: redirect URIs are for redirect-based flows; a client_credentials service client has none.
  if (usesCode && redirectUris.length === 0) throw new InvalidRedirectUri('redirect_uris must list at least one redirect URI');
  const responseTypes = memberList(metadata, 'response_types', RESPONSE_TYPES) ?? (usesCode ? ['code'] : []);
  // RFC 7591 §2.1: the response type "code" goes with the grant type "authorization_code", and only with it.
  if (responseTypes.includes('code') !== usesCode) {
    throw new InvalidClientMetadata('response_types "code" and grant_types "authorization_code" must be registered together');
  }

  const tokenEndpointAuthMethod = oneOf(metadata, 'token_endpoint_auth_method', TOKEN_ENDPOINT_AUTH_METHODS) ?? 'client_secret_basic';
  // A public client cannot prove who it is, so it cannot act on its own behalf (RFC 6749 §4.4).
  if (tokenEndpointAuthMethod === 'none' && grantTypes.includes('client_credentials')) {
    throw new InvalidClientMetadata('a client with token_endpoint_auth_method "none" cannot use client_credentials');
  }

  const clientName = optionalString(metadata, 'client_name') ?? (redirectUris.length ? new URL(redirectUris[0]).host : '');
  if (clientName.trim() === '' || clientName.length > MAX_CLIENT_NAME_LENGTH) {
    throw new InvalidClientMetadata(`client_name must be 1 to ${MAX_CLIENT_NAME_LENGTH} characters`);
  }

  const clientUri = optionalString(metadata, 'client_uri');
  if (clientUri !== undefined && !isWebUrl(clientUri)) {
    throw new InvalidClientMetadata(`client_uri must be an http(s) URL of at most ${MAX_URI_LENGTH} characters`);
  }

  const scope = allowedScope(metadata, options.adminScope ?? false);

  const backchannelLogoutUri = optionalString(metadata, 'backchannel_logout_uri');
  const backchannelProblem = backchannelLogoutUri === undefined ? undefined : uriProblem(backchannelLogoutUri, 'a back-channel logout URI');
  if (backchannelProblem) throw new InvalidClientMetadata(`backchannel_logout_uri: ${backchannelProblem}`);
  const backchannelLogoutSessionRequired = optionalBoolean(metadata, 'backchannel_logout_session_required') ?? false;

  return {
    redirectUris, postLogoutRedirectUris, grantTypes, responseTypes, tokenEndpointAuthMethod, clientName,
    ...(clientUri !== undefined && { clientUri }),
    ...(scope !== undefined && { scope }),
    ...(backchannelLogoutUri !== undefined && { backchannelLogoutUri }),
    backchannelLogoutSessionRequired,
  };
}

/**
 * `scope` (RFC 7591 §2): scopes this server knows, normalised. `tessera:admin` makes a client an
 * admin client, which only an administrator may decide.
 */
function allowedScope(metadata: Record<string, unknown>, adminScope: boolean): string | undefined {
  const value = optionalString(metadata, 'scope');
  if (value === undefined) return undefined;
  let scope: string[];
  try {
    scope = parseScope(value);
  } catch (err) {
    if (!(err instanceof InvalidScope)) throw err;
    throw new InvalidClientMetadata(`scope: ${err.errorDescription}`);
  }
  if (scope.length === 0) throw new InvalidClientMetadata('scope must name at least one scope');
  if (scope.includes(ADMIN_SCOPE) && !adminScope) throw new InvalidClientMetadata(`scope "${ADMIN_SCOPE}" cannot be registered this way`);
  return joinScope(scope);
}

function present(metadata: Record<string, unknown>, name: string): unknown {
  const value = metadata[name];
  return value === null ? undefined : value;
}

function stringList(metadata: Record<string, unknown>, name: string): string[] | undefined {
  const value = present(metadata, name);
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new InvalidClientMetadata(`${name} must be an array of strings`);
  }
  return [...new Set(value as string[])];
}

function memberList<T extends string>(metadata: Record<string, unknown>, name: string, allowed: readonly T[]): T[] | undefined {
  const list = stringList(metadata, name);
  const unsupported = list?.find((item) => !(allowed as readonly string[]).includes(item));
  if (unsupported !== undefined) throw new InvalidClientMetadata(`${name}: "${unsupported}" is not supported`);
  return list as T[] | undefined;
}

function oneOf<T extends string>(metadata: Record<string, unknown>, name: string, allowed: readonly T[]): T | undefined {
  const value = optionalString(metadata, name);
  if (value !== undefined && !(allowed as readonly string[]).includes(value)) {
    throw new InvalidClientMetadata(`${name} must be one of ${allowed.join(', ')}`);
  }
  return value as T | undefined;
}

function optionalString(metadata: Record<string, unknown>, name: string): string | undefined {
  const value = present(metadata, name);
  if (value !== undefined && typeof value !== 'string') throw new InvalidClientMetadata(`${name} must be a string`);
  return value;
}

function optionalBoolean(metadata: Record<string, unknown>, name: string): boolean | undefined {
  const value = present(metadata, name);
  if (value !== undefined && typeof value !== 'boolean') throw new InvalidClientMetadata(`${name} must be a boolean`);
  return value;
}

function redirectUriList(metadata: Record<string, unknown>, name: string): string[] | undefined {
  const list = stringList(metadata, name);
  if (list && list.length > MAX_REDIRECT_URIS) throw new InvalidRedirectUri(`${name} may list at most ${MAX_REDIRECT_URIS} URIs`);
  for (const uri of list ?? []) {
    const problem = uriProblem(uri, 'a redirect URI');
    if (problem) throw new InvalidRedirectUri(`${name}: ${problem}`);
  }
  return list;
}

/**
 * Redirect URIs are compared as exact strings at the authorization endpoint, so they must be
 * absolute and without a fragment (RFC 6749 §3.1.2); https, or plain http only to the loopback
 * interface of a native app (RFC 8252 §7.3, RFC 9700 §2.1); credentials in a URI are never allowed.
 * A back-channel logout URI, which this server calls itself, follows the same rule: absolute, no
 * fragment (Back-Channel Logout §2.2), https unless on loopback, and no credentials to replay.
 */
function uriProblem(uri: string, kind: string): string | undefined {
  if (uri.length > MAX_URI_LENGTH) return `a URI may be at most ${MAX_URI_LENGTH} characters`;
  // RFC 3986 URIs are printable ASCII; anything else would be normalised away by a parser and then differ.
  if (!/^[\x21-\x7e]+$/.test(uri)) return 'a URI must be printable ASCII without spaces';
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'not an absolute URI';
  }
  if (uri.includes('#')) return `${kind} must not contain a fragment`;
  if (url.username || url.password || /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(uri)) return `${kind} must not contain credentials`;
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return undefined;
  return `${kind} must use https (plain http only for localhost, 127.0.0.1 or [::1])`;
}

function isWebUrl(value: string): boolean {
  if (value.length > MAX_URI_LENGTH) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
