import { Injectable } from '@nestjs/common';
import { KeyRevocation as Revoked, SigningKeys } from '../../keys/signing-keys.service';
import { StatusLists } from '../../status-list/status-lists.service';

/**
 * Emergency revocation of a signing key in the running service: out of the JWKS (SigningKeys), then
 * every access token it signed marked revoked in the status list (StatusLists). StatusLists signs its
 * lists with SigningKeys, so SigningKeys cannot be given StatusLists as its revocation hook without a
 * cycle; this service calls one after the other instead, as the CLI's `keys:revoke` does with the
 * database alone.
 */
@Injectable()
export class KeyRevocation {
  constructor(private readonly keys: SigningKeys, private readonly statusLists: StatusLists) {}

  async revoke(kid: string, actor: string): Promise<Revoked> {
    const revocation = await this.keys.revoke(kid, actor);
    await this.statusLists.signingKeyRevoked(revocation.revoked);
    return { ...revocation, hookCalled: true };
  }
}
