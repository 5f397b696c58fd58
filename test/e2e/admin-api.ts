/**
 * What the admin API suites share: admin tokens obtained the way operators and the console get them
 * (a CLI-made service client's client_credentials token; a person's token from the code flow), and
 * a small JSON client for `{internalUrl}/admin/api/v1/…`.
 */
import { ADMIN_API_PREFIX, ADMIN_SCOPE, AdminClientWithSecret } from '@tessera/contracts';
import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import { clientsCreate } from '../../apps/cli/src/commands/clients-create.command';
import { parseArgs } from '../../apps/cli/src/cli-args';
import { Users } from '../../apps/login-ui/src/users/users.service';
import { Browser } from './browser';
import { Provider, randomName, RegisteredClient, TestUser } from './harness';
import { codeFlow, postForm } from './sign-in';

export interface AdminAnswer {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

export interface ServiceClient {
  clientId: string;
  clientSecret: string;
}

/** One admin API call on the internal listener (or `base`), with `authorization` as given. */
export async function adminCall(
  base: string, method: string, path: string, options: { authorization?: string; body?: unknown; rawBody?: string } = {},
): Promise<AdminAnswer> {
  const headers: Record<string, string> = {};
  if (options.authorization !== undefined) headers.authorization = options.authorization;
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${ADMIN_API_PREFIX}${path}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text === '' ? {} : JSON.parse(text) as Record<string, unknown> };
}

/** `adminCall` on the provider's internal listener with one Bearer token. */
export function adminApi(provider: Provider, token: string) {
  return (method: string, path: string, body?: unknown) => adminCall(provider.internalUrl, method, path, { authorization: `Bearer ${token}`, body });
}

/** `npm run cli -- clients:create --name … --admin`, run in-process against the provider's database. */
export async function cliAdminClient(provider: Provider): Promise<ServiceClient> {
  let printed = '';
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => { printed += String(chunk); return true; });
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await clientsCreate.run(parseArgs(['--name', randomName('automation'), '--admin']), provider.env);
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  const client = JSON.parse(printed) as { client_id: string; client_secret: string };
  return { clientId: client.client_id, clientSecret: client.client_secret };
}

/** A client_credentials access token of `client`, with `scope` (default tessera:admin; '' for none). */
export async function serviceToken(provider: Provider, client: ServiceClient, scope: string = ADMIN_SCOPE): Promise<string> {
  const answer = await postForm(`${provider.issuer}/oauth2/token`, { grant_type: 'client_credentials', ...(scope ? { scope } : {}) }, client);
  if (answer.status !== 200) throw new Error(`client_credentials failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return String(answer.body.access_token);
}

/** A person in the login UI's directory with these roles. */
export async function createPerson(provider: Provider, roles: string[]): Promise<TestUser & { sub: string }> {
  const username = randomName('person');
  const user = { username, password: `Corr3ct-Horse-${randomBytes(6).toString('hex')}`, email: `${username}@example.com`, name: `Person ${username}` };
  const account = await provider.loginUiApp.get(Users).create({ ...user, roles });
  return { ...user, sub: account.id };
}

/**
 * A first-party code-flow client allowed `openid profile tessera:admin`, made through the admin API
 * with `adminToken`, as the console's client is: its people get admin tokens without a consent page.
 */
export async function consoleLikeClient(provider: Provider, adminToken: string): Promise<RegisteredClient> {
  const redirectUri = 'https://console.example/admin/callback';
  const created = await adminApi(provider, adminToken)('POST', '/clients', {
    client_name: randomName('console'),
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code', 'refresh_token'],
    scope: `openid profile offline_access ${ADMIN_SCOPE}`,
    first_party: true,
  });
  if (created.status !== 201) throw new Error(`creating the console client failed: ${created.status} ${JSON.stringify(created.json)}`);
  const metadata = created.json as unknown as AdminClientWithSecret;
  const server = await provider.serverMetadata();
  const config = new oidc.Configuration(server, metadata.client_id, { redirect_uris: [redirectUri] }, oidc.ClientSecretBasic(metadata.client_secret));
  oidc.allowInsecureRequests(config);
  return { config, clientId: metadata.client_id, clientSecret: metadata.client_secret, metadata: { client_id: metadata.client_id, redirect_uris: [redirectUri] } };
}

/** A person's tokens from the code flow on `client`, asking for `scope`. */
export async function personTokens(provider: Provider, client: RegisteredClient, user: TestUser, scope = `openid ${ADMIN_SCOPE}`) {
  const { tokens } = await codeFlow(new Browser(provider.origins), client, user, { scope });
  return tokens;
}
