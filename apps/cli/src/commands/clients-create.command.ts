import { clientInformation } from '../../../token-service/src/clients/client-information';
import { validateClientMetadata } from '../../../token-service/src/clients/client-metadata.rule';
import { ClientRepository } from '../../../token-service/src/clients/client.repository';
import { Clients } from '../../../token-service/src/clients/clients.service';
import { loadTokenServiceConfig } from '../../../token-service/src/config/token-service.config';
import { openTokenServiceDatabase } from '../../../token-service/src/database/database.module';
import { CliCommand, requireValue } from '../cli-args';

/**
 * Registers a client by hand, the only way to make a first-party one. Prints the client information
 * as the registration endpoint would (RFC 7591 §3.2.1): the secret appears here once and never again.
 */
export const clientsCreate: CliCommand = {
  usage: '--name N --redirect-uri URI[,URI…] [--post-logout-redirect-uri URI[,URI…]] [--grant-types a,b] [--public] [--first-party]',
  async run(flags, env) {
    const metadata = validateClientMetadata({
      client_name: requireValue(flags, 'name'),
      redirect_uris: list(requireValue(flags, 'redirect-uri')),
      post_logout_redirect_uris: list(flags.values['post-logout-redirect-uri']),
      grant_types: list(flags.values['grant-types']),
      token_endpoint_auth_method: flags.switches.has('public') ? 'none' : undefined,
    });
    const firstParty = flags.switches.has('first-party');
    const config = loadTokenServiceConfig(env, (m) => process.stderr.write(`${m}\n`));
    const dataSource = await openTokenServiceDatabase(config);
    try {
      const { client, clientSecret } = await new Clients(new ClientRepository(dataSource)).register(metadata, { firstParty });
      process.stdout.write(`${JSON.stringify({ ...clientInformation(client, clientSecret), first_party: client.firstParty }, null, 2)}\n`);
    } finally {
      await dataSource.destroy();
    }
  },
};

function list(value: string | undefined): string[] | undefined {
  return value?.split(',').map((item) => item.trim()).filter((item) => item !== '');
}
