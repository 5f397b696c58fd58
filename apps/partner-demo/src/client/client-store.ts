import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The demo's client as registered, with what it was registered for. */
export interface StoredClient {
  issuer: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
  backchannelLogoutUri: string;
  /**
   * Which edition of the demo's registration metadata the client has. Raised whenever that metadata
   * changes (2: back-channel logout), so a client registered by an older demo is registered again.
   */
  registrationVersion: number;
  clientId: string;
  clientSecret: string;
}

/** What the demo needs its client to be registered for. */
export type ClientTarget = Omit<StoredClient, 'clientId' | 'clientSecret'>;

export type StoredClientLookup =
  | { kind: 'found'; client: StoredClient }
  | { kind: 'none' }
  /** A file for another issuer, URL or registration version: registered again (and overwritten) rather than reused. */
  | { kind: 'other-target' }
  | { kind: 'unreadable'; reason: string };

const TARGET_MEMBERS: ReadonlyArray<keyof ClientTarget> = ['issuer', 'redirectUri', 'postLogoutRedirectUri', 'backchannelLogoutUri', 'registrationVersion'];

/** The stored client, if the file holds one registered for exactly this issuer, these URIs and this registration version. */
export function readStoredClient(file: string, target: ClientTarget): StoredClientLookup {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    return { kind: 'unreadable', reason: (err as Error).message };
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { kind: 'unreadable', reason: 'not JSON' };
  }
  const fields = ['issuer', 'redirect_uri', 'post_logout_redirect_uri', 'client_id', 'client_secret'] as const;
  if (typeof parsed !== 'object' || parsed === null || fields.some((f) => typeof parsed[f] !== 'string' || parsed[f] === '')) {
    return { kind: 'unreadable', reason: `expected the string members ${fields.join(', ')}` };
  }
  // A file of an older demo lacks the newer members: it is another target, not a broken file.
  const client = {
    issuer: parsed.issuer as string,
    redirectUri: parsed.redirect_uri as string,
    postLogoutRedirectUri: parsed.post_logout_redirect_uri as string,
    backchannelLogoutUri: parsed.backchannel_logout_uri,
    registrationVersion: parsed.registration_version,
    clientId: parsed.client_id as string,
    clientSecret: parsed.client_secret as string,
  };
  const sameTarget = TARGET_MEMBERS.every((name) => client[name] === target[name]);
  return sameTarget ? { kind: 'found', client: client as StoredClient } : { kind: 'other-target' };
}

/** Writes the client atomically, readable by this user only: it holds the client secret. */
export function writeStoredClient(file: string, client: StoredClient): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  const body = {
    issuer: client.issuer,
    redirect_uri: client.redirectUri,
    post_logout_redirect_uri: client.postLogoutRedirectUri,
    backchannel_logout_uri: client.backchannelLogoutUri,
    registration_version: client.registrationVersion,
    client_id: client.clientId,
    client_secret: client.clientSecret,
    registered_at: new Date().toISOString(),
  };
  writeFileSync(temp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, file);
}
