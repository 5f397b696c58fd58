import { Inject, Injectable } from '@nestjs/common';
import { TOKEN_SERVICE_CONFIG, TokenServiceConfig } from '../config/token-service.config';
import { hashOpaqueToken } from '../crypto/opaque-token';
import { InitialAccessTokenRepository } from './initial-access-token.repository';
import { isBootstrapToken, presentedInitialAccessToken, refused } from './initial-access-token.rule';

/** A registration request that may go ahead; `spend` takes its use just before the client is stored. */
export interface RegistrationAdmission {
  /** Takes one use of a stored token (none of the bootstrap one); 401 when a concurrent request took the last. */
  spend(): Promise<void>;
}

/**
 * Who may register (RFC 7591 §3): the holder of INITIAL_ACCESS_TOKEN, or of a token made through the
 * admin API that is unexpired, unrevoked and has uses left. The use is taken only once the metadata
 * has passed its checks, so a refused registration costs the partner nothing.
 */
@Injectable()
export class InitialAccessTokens {
  constructor(
    @Inject(TOKEN_SERVICE_CONFIG) private readonly config: TokenServiceConfig,
    private readonly repository: InitialAccessTokenRepository,
  ) {}

  async admit(authorizationHeader: string | undefined, now: number): Promise<RegistrationAdmission> {
    const presented = presentedInitialAccessToken(authorizationHeader);
    if (isBootstrapToken(presented, this.config.initialAccessToken)) return { spend: async () => undefined };
    const hash = hashOpaqueToken(presented);
    if (!(await this.repository.isUsable(hash, now))) throw refused();
    return {
      spend: async () => {
        if (!(await this.repository.spendOne(hash, now))) throw refused();
      },
    };
  }
}
