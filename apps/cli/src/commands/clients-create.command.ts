import { clientInformation } from '../../../token-service/src/clients/client-information';
import { validateClientMetadata, ValidatedClientMetadata } from '../../../token-service/src/clients/client-metadata.rule';
import { ClientRepository } from '../../../token-service/src/clients/client.repository';
import { Clients } from '../../../token-service/src/clients/clients.service';
import { loadTokenServiceConfig } from '../../../token-service/src/config/token-service.config';
import { openTokenServiceDatabase } from '../../../token-service/src/database/database.module';
import { ADMIN_SCOPE } from '@tessera/contracts';
import { CliCommand, CliFlags, requireValue } from '../cli-args';

/**
 * Registers a client by hand, the only way to make a first-party one. Prints the client information
 * as the registration endpoint would (RFC 7591 §3.2.1): the secret appears here once and never again.
 *
 * `--admin` makes the bootstrap for automation instead: a confidential client_credentials service
 * client allowed `tessera:admin`, whose tokens the admin API accepts (they carry the admin role).
 */
export const clientsCreate: CliCommand = {
  usage: '--name N (--redirect-uri URI[,URI…] [--post-logout-redirect-uri URI[,URI…]] [--grant-types a,b] [--public] [--first-party] | --admin)',
  async run(flags, env) {
    const admin = flags.switches.has('admin');
    const metadata = admin ? adminServiceClient(flags) : validateClientMetadata({
      client_name: requireValue(flags, 'name'),
      redirect_uris: list(requireValue(flags, 'redirect-uri')),
      post_logout_redirect_uris: list(flags.values['post-logout-redirect-uri']),
      grant_types: list(flags.values['grant-types']),
      token_endpoint_auth_method: flags.switches.has('public') ? 'none' : undefined,
    });
    const firstParty = !admin && flags.switches.has('first-party');
    const config = loadTokenServiceConfig(env, (m) => process.stderr.write(`${m}\n`));
    const dataSource = await openTokenServiceDatabase(config);
    try {
      const { client, clientSecret } = await new Clients(new ClientRepository(dataSource)).register(metadata, { firstParty });
      process.stdout.write(`${JSON.stringify({ ...clientInformation(client, clientSecret), first_party: client.firstParty }, null, 2)}\n`);
      if (admin) process.stderr.write(`Get an admin token: POST ${config.issuer}/oauth2/token with grant_type=client_credentials and scope=${ADMIN_SCOPE}, authenticating with this client_id and client_secret.\n`);
    } finally {
      await dataSource.destroy();
    }
  },
};

/** `--admin`: nothing but a name; a service client has no redirect URIs and is never first-party. */
function adminServiceClient(flags: CliFlags): ValidatedClientMetadata {
  const other = ['redirect-uri', 'post-logout-redirect-uri', 'grant-types'].filter((name) => flags.values[name] !== undefined)
    .concat(['public', 'first-party'].filter((name) => flags.switches.has(name)));
  if (other.length) throw new Error(`--admin makes a client_credentials service client: leave out --${other.join(', --')}`);
  return validateClientMetadata({
    client_name: requireValue(flags, 'name'),
    grant_types: ['client_credentials'],
    scope: ADMIN_SCOPE,
  }, { adminScope: true });
}

function list(value: string | undefined): string[] | undefined {
  return value?.split(',').map((item) => item.trim()).filter((item) => item !== '');
}
