import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CONSOLE_CLIENT_ID, CONSOLE_CLIENT_NAME, CONSOLE_SCOPE, consoleClientSecret, consoleUris } from '@tessera/contracts';
import { Client } from '../clients/client.entity';
import { ClientRepository } from '../clients/client.repository';
import { TOKEN_SERVICE_CONFIG, TokenServiceConfig } from '../config/token-service.config';
import { hashOpaqueToken } from '../crypto/opaque-token';

/** What the console's client registration must say; everything else of a Client is left as found. */
export type ConsoleClientShape = Pick<Client,
  'clientSecretHash' | 'clientName' | 'redirectUris' | 'postLogoutRedirectUris' | 'grantTypes' | 'responseTypes'
  | 'tokenEndpointAuthMethod' | 'firstParty' | 'scope'>;

/**
 * The admin console's client for this configuration: first-party (no consent page), confidential
 * (client_secret_basic with the secret both apps derive from INTERNAL_API_SECRET), the code flow
 * only, allowed `openid profile tessera:admin`, coming back to the login UI's /admin pages.
 */
export function consoleClientShape(config: Pick<TokenServiceConfig, 'loginUiUrl' | 'internalApiSecret'>): ConsoleClientShape {
  const { redirectUri, postLogoutRedirectUri } = consoleUris(config.loginUiUrl);
  return {
    clientSecretHash: hashOpaqueToken(consoleClientSecret(config.internalApiSecret)),
    clientName: CONSOLE_CLIENT_NAME,
    redirectUris: [redirectUri],
    postLogoutRedirectUris: [postLogoutRedirectUri],
    grantTypes: ['authorization_code'],
    responseTypes: ['code'],
    tokenEndpointAuthMethod: 'client_secret_basic',
    firstParty: true,
    scope: CONSOLE_SCOPE,
  };
}

/**
 * The members of `found` that differ from `wanted` (an empty object when none does): a changed
 * LOGIN_UI_URL moves the redirect URIs, a changed INTERNAL_API_SECRET the secret, and an
 * administrator's edit through the admin API is undone at the next start.
 */
export function consoleClientChanges(found: ConsoleClientShape, wanted: ConsoleClientShape): Partial<ConsoleClientShape> {
  const changes: Partial<ConsoleClientShape> = {};
  for (const key of Object.keys(wanted) as (keyof ConsoleClientShape)[]) {
    if (JSON.stringify(found[key]) !== JSON.stringify(wanted[key])) Object.assign(changes, { [key]: wanted[key] });
  }
  return changes;
}

/**
 * Ensures at start-up that the console's client exists as configured. Several instances may start
 * at once: each inserts only if absent (the primary key lets one insert win; the others find its
 * row), then updates what differs, which converges on the same values whichever runs last.
 */
@Injectable()
export class ConsoleClient implements OnApplicationBootstrap {
  private readonly logger = new Logger('ConsoleClient');

  constructor(
    @Inject(TOKEN_SERVICE_CONFIG) private readonly config: TokenServiceConfig,
    @Inject(ClientRepository) private readonly clients: ClientRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const wanted = consoleClientShape(this.config);
    const found = (await this.clients.findById(CONSOLE_CLIENT_ID)) ?? (await this.insertUnlessRaced(wanted));
    if (!found) return;
    const changes = consoleClientChanges(found, wanted);
    if (Object.keys(changes).length === 0) return;
    await this.clients.update(CONSOLE_CLIENT_ID, changes);
    // Names the members only: the secret's hash is not for the log either.
    this.logger.log(`updated the console client (${Object.keys(changes).join(', ')})`);
  }

  /** Null when this instance inserted it as wanted; the row another instance inserted first otherwise. */
  private async insertUnlessRaced(wanted: ConsoleClientShape): Promise<Client | null> {
    const client = Object.assign(new Client(), {
      ...wanted,
      clientId: CONSOLE_CLIENT_ID,
      clientUri: null,
      backchannelLogoutUri: null,
      backchannelLogoutSessionRequired: false,
      createdAt: Date.now(),
    } satisfies Client);
    try {
      await this.clients.insert(client);
      this.logger.log(`created the console client ${CONSOLE_CLIENT_ID}`);
      return null;
    } catch (err) {
      const raced = await this.clients.findById(CONSOLE_CLIENT_ID);
      if (!raced) throw err;
      return raced;
    }
  }
}
