import { InvalidClient, InvalidRequest } from '@tessera/contracts';

export type PresentedCredentials =
  | { method: 'client_secret_basic' | 'client_secret_post'; clientId: string; clientSecret: string }
  | { method: 'none'; clientId: string };

/**
 * What a request offers to authenticate its client (RFC 6749 §2.3): a Basic header, client_id and
 * client_secret in the body, or a client_id alone for a public client. Says nothing yet about
 * whether the credentials are right.
 */
export function presentedCredentials(authorizationHeader: string | undefined, body: Record<string, unknown>): PresentedCredentials {
  const bodyClientId = bodyParameter(body, 'client_id');
  const bodyClientSecret = bodyParameter(body, 'client_secret');
  if (authorizationHeader) {
    const basic = parseBasicCredentials(authorizationHeader);
    // RFC 6749 §2.3: a client MUST NOT use more than one authentication method in each request.
    if (bodyClientSecret !== undefined) throw new InvalidRequest('the client authenticated both with a Basic header and with client_secret');
    if (bodyClientId !== undefined && bodyClientId !== basic.clientId) {
      throw new InvalidRequest('client_id in the body differs from the one in the Authorization header');
    }
    return { method: 'client_secret_basic', ...basic };
  }
  if (bodyClientId === undefined) {
    if (bodyClientSecret !== undefined) throw new InvalidRequest('client_secret was sent without client_id');
    throw new InvalidClient('client authentication is required');
  }
  return bodyClientSecret === undefined
    ? { method: 'none', clientId: bodyClientId }
    : { method: 'client_secret_post', clientId: bodyClientId, clientSecret: bodyClientSecret };
}

/**
 * `Authorization: Basic base64(id:secret)`, where id and secret were each form-urlencoded first
 * (RFC 6749 §2.3.1), so the first ':' is the separator and both halves need decoding.
 */
export function parseBasicCredentials(header: string): { clientId: string; clientSecret: string } {
  const match = /^basic +([A-Za-z0-9+/]+=*) *$/i.exec(header);
  if (!match) throw new InvalidClient('the Authorization header is not valid Basic credentials');
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator < 0) throw new InvalidClient('the Authorization header is not valid Basic credentials');
  const clientId = formDecode(decoded.slice(0, separator));
  const clientSecret = formDecode(decoded.slice(separator + 1));
  if (clientId === undefined || clientSecret === undefined || clientId === '' || clientSecret === '') {
    throw new InvalidClient('the Authorization header is not valid Basic credentials');
  }
  return { clientId, clientSecret };
}

function formDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

// RFC 6749 §3.1: a parameter sent without a value is treated as omitted, and none may be repeated.
function bodyParameter(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new InvalidRequest(`${name} must be given once, as a string`);
  return value;
}
