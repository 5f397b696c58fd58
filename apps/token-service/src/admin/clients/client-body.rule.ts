import { AdminClient, OAuthError } from '@tessera/contracts';
import { clientInformation } from '../../clients/client-information';
import { validateClientMetadata, ValidatedClientMetadata } from '../../clients/client-metadata.rule';
import { Client } from '../../clients/client.entity';
import { invalidRequest } from '../admin-api-error';
import { bodyObject, Problems, refuseUnknown } from '../admin-input.rule';

/** RFC 7591 §2 members the admin API takes when it creates a client; `first_party` is ours. */
const CREATE_MEMBERS = [
  'client_name', 'client_uri', 'redirect_uris', 'post_logout_redirect_uris', 'grant_types', 'response_types',
  'token_endpoint_auth_method', 'scope', 'backchannel_logout_uri', 'backchannel_logout_session_required', 'first_party',
] as const;
/** What an administrator may change later (the list); the rest is fixed at creation. */
const PATCH_MEMBERS = ['redirect_uris', 'post_logout_redirect_uris', 'grant_types', 'client_name', 'first_party', 'scope'] as const;

export interface ClientInput {
  metadata: ValidatedClientMetadata;
  firstParty: boolean;
}

/**
 * `POST /clients`: the same metadata rules as registration (clients/client-metadata.rule.ts), except
 * that an administrator may allow `tessera:admin` and make the client first-party.
 */
export function readNewClient(body: unknown): ClientInput {
  const { first_party: firstParty, ...metadata } = checkedMembers(body, CREATE_MEMBERS);
  return { metadata: validMetadata(metadata), firstParty: firstParty ?? false };
}

/**
 * `PATCH /clients/{id}`: the changed members over the client's registration, checked again as a
 * whole by the registration rules (so a change cannot leave, say, an authorization code client
 * without redirect URIs). `response_types` follows `grant_types`; `scope: null` restores the default.
 */
export function readClientPatch(body: unknown, current: Client): ClientInput & { changed: string[] } {
  const { first_party: firstParty, ...changes } = checkedMembers(body, PATCH_MEMBERS);
  const changed = Object.keys(changes).concat(firstParty === undefined ? [] : ['first_party']);
  if (changed.length === 0) throw invalidRequest([{ path: 'body', message: `names nothing to change (${PATCH_MEMBERS.join(', ')})` }]);
  const { response_types: _derived, ...registered } = clientInformation(current);
  return { metadata: validMetadata({ ...registered, ...changes }), firstParty: firstParty ?? current.firstParty, changed };
}

/** How the admin API shows a client: its RFC 7591 metadata, what only we keep, and the secret when it is new. */
export function adminClientView(client: Client, clientSecret?: string): AdminClient {
  const { client_id_issued_at: _seconds, client_secret_expires_at: _never, ...metadata } = clientInformation(client, clientSecret);
  return { ...metadata, scope: client.scope, first_party: client.firstParty, created_at: client.createdAt } as AdminClient;
}

function checkedMembers(body: unknown, known: readonly string[]): Record<string, unknown> & { first_party?: boolean } {
  const input = bodyObject(body);
  const problems = new Problems();
  refuseUnknown(input, known, problems);
  if (input.first_party !== undefined && typeof input.first_party !== 'boolean') problems.add('first_party', 'must be true or false');
  problems.check();
  return input as Record<string, unknown> & { first_party?: boolean };
}

function validMetadata(metadata: Record<string, unknown>): ValidatedClientMetadata {
  try {
    return validateClientMetadata(metadata, { adminScope: true });
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    throw invalidRequest([{ path: memberNamedIn(err.errorDescription), message: err.errorDescription }]);
  }
}

/**
 * The registration rules name the member they refuse in their message (`redirect_uris: …`,
 * `client_name must be …`, `a client with token_endpoint_auth_method "none" …`): the one named first
 * is the field to point at.
 */
export function memberNamedIn(message: string): string {
  let found: { name: string; at: number } | undefined;
  for (const name of CREATE_MEMBERS) {
    const at = new RegExp(`(^|[^a-z_])${name}($|[^a-z_])`).exec(message)?.index;
    if (at !== undefined && (found === undefined || at < found.at)) found = { name, at };
  }
  return found?.name ?? 'body';
}
