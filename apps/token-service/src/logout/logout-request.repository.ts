import { Injectable } from '@nestjs/common';
import { DataSource, MoreThan, Repository } from 'typeorm';
import { hashOpaqueToken } from '../crypto/opaque-token';
import { LogoutRequest } from './logout-request.entity';

@Injectable()
export class LogoutRequestRepository {
  private readonly requests: Repository<LogoutRequest>;

  constructor(dataSource: DataSource) {
    this.requests = dataSource.getRepository(LogoutRequest);
  }

  async insert(request: LogoutRequest): Promise<void> {
    await this.requests.insert(request);
  }

  findByChallenge(challenge: string, now: number): Promise<LogoutRequest | null> {
    return this.requests.findOneBy({ challengeHash: hashOpaqueToken(challenge), status: 'pending', expiresAt: MoreThan(now) });
  }

  findByVerifier(verifier: string, now: number): Promise<LogoutRequest | null> {
    return this.requests.findOneBy({ verifierHash: hashOpaqueToken(verifier), status: 'accepted', expiresAt: MoreThan(now) });
  }

  /** Atomic, so a double submit or a replayed verifier acts once. */
  async advance(id: string, from: LogoutRequest['status'], changes: Partial<LogoutRequest>): Promise<boolean> {
    const result = await this.requests.update({ id, status: from }, changes);
    return (result.affected ?? 0) === 1;
  }
}
