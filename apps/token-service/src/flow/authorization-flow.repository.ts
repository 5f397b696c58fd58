import { Injectable } from '@nestjs/common';
import { DataSource, MoreThan, Repository } from 'typeorm';
import { hashOpaqueToken } from '../crypto/opaque-token';
import { AuthorizationFlow, FlowState } from './authorization-flow.entity';

type SecretColumn = 'loginChallengeHash' | 'loginVerifierHash' | 'consentChallengeHash' | 'consentVerifierHash';

@Injectable()
export class AuthorizationFlowRepository {
  private readonly flows: Repository<AuthorizationFlow>;

  constructor(dataSource: DataSource) {
    this.flows = dataSource.getRepository(AuthorizationFlow);
  }

  async insert(flow: AuthorizationFlow): Promise<void> {
    await this.flows.insert(flow);
  }

  /** The unexpired flow whose challenge or verifier (given in clear) is this one, in the given state. */
  findBySecret(column: SecretColumn, secret: string, state: FlowState, now: number): Promise<AuthorizationFlow | null> {
    return this.flows.findOneBy({ [column]: hashOpaqueToken(secret), state, expiresAt: MoreThan(now) });
  }

  /**
   * Moves a flow from one state to the next, atomically: of two concurrent attempts (a double
   * submit, a replayed verifier) exactly one succeeds.
   */
  async advance(id: string, from: FlowState, changes: Partial<AuthorizationFlow> & { state: FlowState }): Promise<boolean> {
    const result = await this.flows.update({ id, state: from }, changes);
    return (result.affected ?? 0) === 1;
  }
}
