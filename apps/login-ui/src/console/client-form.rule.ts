import type { AdminClient } from '@tessera/contracts';
import { checkboxField, FormBody, lines, memberOf, textField } from './console-form.rule';

/** The grant types a client may register (RFC 7591 §2), each a checkbox named `grant_<type>`. */
export const GRANT_TYPE_CHOICES = [
  { value: 'authorization_code', label: 'Authorization code: people sign in through Tessera' },
  { value: 'refresh_token', label: 'Refresh token: stays signed in without asking again' },
  { value: 'client_credentials', label: 'Client credentials: a service acting on its own behalf' },
] as const;

/** How the client proves itself at the token endpoint (RFC 7591 §2); fixed once created. */
export const AUTH_METHOD_CHOICES = [
  { value: 'client_secret_basic', label: 'Secret, HTTP Basic (client_secret_basic)' },
  { value: 'client_secret_post', label: 'Secret, in the form (client_secret_post)' },
  { value: 'none', label: 'None: a public client with PKCE only' },
] as const;

/** The fields of the client form, in the order a keyboard reaches them. */
export const CLIENT_FORM_FIELDS = [
  'client_name', 'redirect_uris', 'post_logout_redirect_uris', 'grant_types', 'token_endpoint_auth_method', 'scope', 'first_party',
] as const;

/** The client form as typed: text as it was entered, so a refused form comes back unchanged. */
export interface ClientForm {
  client_name: string;
  /** One URI per line. */
  redirect_uris: string;
  post_logout_redirect_uris: string;
  grant_types: string[];
  token_endpoint_auth_method: string;
  /** Space-separated; empty means the default OIDC scopes. */
  scope: string;
  first_party: boolean;
}

/** A blank form for a new client: a confidential client that signs people in. */
export const NEW_CLIENT_FORM: ClientForm = {
  client_name: '', redirect_uris: '', post_logout_redirect_uris: '', grant_types: ['authorization_code'],
  token_endpoint_auth_method: 'client_secret_basic', scope: '', first_party: false,
};

export function readClientForm(body: FormBody): ClientForm {
  return {
    client_name: textField(body, 'client_name').trim(),
    redirect_uris: textField(body, 'redirect_uris'),
    post_logout_redirect_uris: textField(body, 'post_logout_redirect_uris'),
    grant_types: GRANT_TYPE_CHOICES.map((choice) => choice.value).filter((value) => checkboxField(body, `grant_${value}`)),
    token_endpoint_auth_method: textField(body, 'token_endpoint_auth_method'),
    scope: textField(body, 'scope').trim(),
    first_party: checkboxField(body, 'first_party'),
  };
}

/** The form filled in with a client's registration, to edit it. */
export function clientFormOf(client: AdminClient): ClientForm {
  return {
    client_name: client.client_name,
    redirect_uris: client.redirect_uris.join('\n'),
    post_logout_redirect_uris: client.post_logout_redirect_uris.join('\n'),
    grant_types: [...client.grant_types],
    token_endpoint_auth_method: client.token_endpoint_auth_method,
    scope: client.scope ?? '',
    first_party: client.first_party,
  };
}

/**
 * `POST /clients`: what was filled in. An empty name or scope is left out, so the API gives its
 * defaults (the first redirect URI's host; the OIDC scopes); everything else is for the API to judge.
 */
export function newClientBody(form: ClientForm): Record<string, unknown> {
  return {
    ...(form.client_name === '' ? {} : { client_name: form.client_name }),
    redirect_uris: lines(form.redirect_uris),
    post_logout_redirect_uris: lines(form.post_logout_redirect_uris),
    grant_types: form.grant_types,
    token_endpoint_auth_method: form.token_endpoint_auth_method,
    ...(form.scope === '' ? {} : { scope: form.scope }),
    first_party: form.first_party,
  };
}

/**
 * `PATCH /clients/{id}`: only what differs from the client's registration, so the audit trail's
 * `changed` names what the administrator changed. An emptied scope is `null`: the default again.
 */
export function clientChanges(form: ClientForm, current: AdminClient): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  if (form.client_name !== current.client_name) changes.client_name = form.client_name;
  for (const name of ['redirect_uris', 'post_logout_redirect_uris'] as const) {
    const uris = lines(form[name]);
    if (!sameList(uris, current[name])) changes[name] = uris;
  }
  if (!sameList([...form.grant_types].sort(), [...current.grant_types].sort())) changes.grant_types = form.grant_types;
  if (form.scope !== (current.scope ?? '')) changes.scope = form.scope === '' ? null : form.scope;
  if (form.first_party !== current.first_party) changes.first_party = form.first_party;
  return changes;
}

/**
 * The form field a refused member of the clients API belongs to. `response_types` follows the grant
 * types (the API derives it from them); `body` and members the form does not have go above it.
 */
export function clientFieldOf(path: string): string | undefined {
  const member = memberOf(path);
  if (member === 'response_types') return 'grant_types';
  return (CLIENT_FORM_FIELDS as readonly string[]).includes(member) ? member : undefined;
}

/** The form with what its template needs to tick and select the current choices. */
export function clientFormView(form: ClientForm) {
  return {
    ...form,
    grantChoices: GRANT_TYPE_CHOICES.map((choice) => ({ ...choice, name: `grant_${choice.value}`, checked: form.grant_types.includes(choice.value) })),
    authMethodChoices: AUTH_METHOD_CHOICES.map((choice) => ({ ...choice, selected: choice.value === form.token_endpoint_auth_method })),
  };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}
