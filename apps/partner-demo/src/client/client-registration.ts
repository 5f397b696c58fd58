import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import type { PartnerDemoConfig } from '../config/partner-demo.config';
import { ClientTarget, readStoredClient, StoredClient, writeStoredClient } from './client-store';
import { describeError, retryUntil, StartupLog } from './retry';

/** The credentials the demo signs people in with, and where they came from. */
export interface ClientCredentials {
  clientId: string;
  clientSecret?: string;
  source: 'environment' | 'stored' | 'registered';
}

export const CLIENT_NAME = 'Tessera Partner Demo';
/** Raise it whenever the metadata sent by `register` changes: a client registered by an older demo is then registered again. */
export const REGISTRATION_VERSION = 2;
/** A stored client is checked for at most this long; past it, it is used unchecked (Tessera may be down). */
const STORED_CLIENT_CHECK_MS = 10_000;

/** The URIs the demo's client is registered for, and the edition of its registration. */
export function clientTarget(config: Pick<PartnerDemoConfig, 'issuer' | 'publicUrl'>): ClientTarget {
  return {
    issuer: config.issuer,
    redirectUri: `${config.publicUrl}/callback`,
    postLogoutRedirectUri: `${config.publicUrl}/`,
    backchannelLogoutUri: `${config.publicUrl}/backchannel-logout`,
    registrationVersion: REGISTRATION_VERSION,
  };
}

/**
 * The demo's client: from the environment; else the one stored in `clientFile` if the issuer
 * still knows it; else a new one, registered over RFC 7591 with the initial access token.
 * Waits (with backoff) for a token service that is still starting.
 */
export async function ensureClient(config: PartnerDemoConfig, log: StartupLog, fetchImpl: typeof fetch = fetch): Promise<ClientCredentials> {
  if (config.clientId !== undefined) {
    return { clientId: config.clientId, ...(config.clientSecret === undefined ? {} : { clientSecret: config.clientSecret }), source: 'environment' };
  }
  const target = clientTarget(config);
  const issuer = new URL(config.issuer);
  const stored = readStoredClient(config.clientFile, target);
  if (stored.kind === 'unreadable') log.warn(`${config.clientFile} cannot be used (${stored.reason}); registering a new client`);
  if (stored.kind === 'other-target') {
    log.info(`${config.clientFile} holds a client for another issuer or URL, or registered by an older demo; registering a new client`);
  }

  if (stored.kind === 'found') {
    const { client } = stored;
    try {
      const verdict = await retryUntil('the token service, to check the stored client', () => probeClient(issuer, client, fetchImpl), {
        deadline: Date.now() + Math.min(STORED_CLIENT_CHECK_MS, config.startupTimeoutMs),
        isRetryable,
        log,
      });
      if (verdict === 'known') {
        log.info(`using the stored client ${client.clientId}`);
        return { clientId: client.clientId, clientSecret: client.clientSecret, source: 'stored' };
      }
      log.info(`the issuer no longer knows the stored client ${client.clientId} (a fresh database?); registering a new client`);
    } catch (err) {
      if (!isRetryable(err)) throw err;
      // Tessera is down: the client worked last time, and signed-in sessions verify from the cached JWKS.
      log.warn(`could not check the stored client (${describeError(err)}); using it unchecked`);
      return { clientId: client.clientId, clientSecret: client.clientSecret, source: 'stored' };
    }
  }

  if (config.initialAccessToken === undefined) {
    throw new Error('INITIAL_ACCESS_TOKEN is not set, so the partner demo cannot register its client: give it the token service\'s '
      + 'INITIAL_ACCESS_TOKEN, or set PARTNER_DEMO_CLIENT_ID and PARTNER_DEMO_CLIENT_SECRET');
  }
  const initialAccessToken = config.initialAccessToken;
  const registered = await retryUntil('the token service, to register the client', () => register(issuer, target, initialAccessToken, fetchImpl), {
    deadline: Date.now() + config.startupTimeoutMs,
    isRetryable,
    log,
  });
  writeStoredClient(config.clientFile, registered);
  log.info(`registered the client ${registered.clientId} ("${CLIENT_NAME}") for ${target.redirectUri}; stored in ${config.clientFile}`);
  return { clientId: registered.clientId, clientSecret: registered.clientSecret, source: 'registered' };
}

class IssuerUnavailable extends Error {}

/** The token service not being up (yet) is worth waiting for; a refusal is not. */
function isRetryable(err: unknown): boolean {
  if (err instanceof IssuerUnavailable) return true;
  if (err instanceof DOMException) return err.name === 'TimeoutError' || err.name === 'AbortError';
  if (err instanceof TypeError) return err.message === 'fetch failed';
  if (err instanceof oidc.ResponseBodyError) return err.status >= 500;
  // openid-client's answer to a non-OAuth error status (e.g. a 502 from a proxy in front of Tessera).
  return err instanceof oidc.ClientError && (err.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || err.code === 'OAUTH_RESPONSE_IS_NOT_JSON');
}

function requestOptions(issuer: URL, fetchImpl: typeof fetch): oidc.DiscoveryRequestOptions {
  return {
    // The demo talks plain http only to a token service on this machine (RFC 8252 §8.3); the config refuses other http issuers.
    execute: issuer.protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
    [oidc.customFetch]: (url, init) => fetchImpl(url, init as RequestInit),
    timeout: 5,
  };
}

/**
 * Does the issuer still know this client? A token request with a code that cannot exist, sent
 * with the client's credentials: client authentication comes first (RFC 6749 §3.2.1), so
 * `invalid_grant` means the credentials were accepted and `invalid_client` that they were not.
 * Nothing is issued either way.
 */
async function probeClient(issuer: URL, client: StoredClient, fetchImpl: typeof fetch): Promise<'known' | 'unknown'> {
  const metadata = (await oidc.discovery(issuer, client.clientId, undefined, undefined, requestOptions(issuer, fetchImpl))).serverMetadata();
  if (!metadata.token_endpoint) throw new Error('the issuer publishes no token_endpoint');
  // RFC 6749 §2.3.1: each part form-urlencoded before base64.
  const basic = Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64');
  const res = await fetchImpl(metadata.token_endpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: randomBytes(32).toString('base64url'),
      redirect_uri: client.redirectUri,
      code_verifier: randomBytes(32).toString('base64url'),
    }).toString(),
    redirect: 'manual',
    signal: AbortSignal.timeout(5_000),
  });
  const body = (await res.json().catch(() => ({}))) as { error?: unknown };
  // 429: Tessera's per-address limit; worth waiting for like a token service that is not up yet.
  if (res.status >= 500 || res.status === 429) throw new IssuerUnavailable(`the token endpoint answered ${res.status}`);
  if (body.error === 'invalid_grant') return 'known';
  if (res.status === 401 || body.error === 'invalid_client' || body.error === 'unauthorized_client') return 'unknown';
  throw new Error(`unexpected answer from the token endpoint to the client check: ${res.status} ${String(body.error ?? '')}`);
}

/** RFC 7591 registration of the demo, authorized by the initial access token (RFC 7591 §3). */
async function register(issuer: URL, target: ClientTarget, initialAccessToken: string, fetchImpl: typeof fetch): Promise<StoredClient> {
  let registered: oidc.Configuration;
  try {
    registered = await oidc.dynamicClientRegistration(issuer, {
      client_name: CLIENT_NAME,
      redirect_uris: [target.redirectUri],
      post_logout_redirect_uris: [target.postLogoutRedirectUri],
      // Back-Channel Logout 1.0 §2.2: with sid required, a logout names the one session to end.
      backchannel_logout_uri: target.backchannelLogoutUri,
      backchannel_logout_session_required: true,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      scope: 'openid profile email offline_access',
    }, undefined, { ...requestOptions(issuer, fetchImpl), initialAccessToken });
  } catch (err) {
    if (err instanceof oidc.WWWAuthenticateChallengeError || (err instanceof oidc.ResponseBodyError && err.status === 401)) {
      throw new Error('the token service refused INITIAL_ACCESS_TOKEN: give the partner demo the same value the token service was started with');
    }
    throw err;
  }
  const metadata = registered.clientMetadata();
  if (typeof metadata.client_secret !== 'string') throw new Error('the registration response carries no client_secret');
  return { ...target, clientId: metadata.client_id, clientSecret: metadata.client_secret };
}
