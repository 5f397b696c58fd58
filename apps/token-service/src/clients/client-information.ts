import { Client } from './client.entity';

/**
 * The client information response (RFC 7591 §3.2.1): the identifier, the secret when there is one
 * (shown only at registration), and every registered metadata member.
 */
export function clientInformation(client: Client, clientSecret?: string): Record<string, unknown> {
  return {
    client_id: client.clientId,
    ...(clientSecret !== undefined && { client_secret: clientSecret, client_secret_expires_at: 0 }),
    client_id_issued_at: Math.floor(client.createdAt / 1000),
    client_name: client.clientName,
    ...(client.clientUri !== null && { client_uri: client.clientUri }),
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    grant_types: client.grantTypes,
    response_types: client.responseTypes,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    ...(client.scope !== null && { scope: client.scope }),
    ...(client.backchannelLogoutUri !== null && { backchannel_logout_uri: client.backchannelLogoutUri }),
    backchannel_logout_session_required: client.backchannelLogoutSessionRequired,
  };
}
