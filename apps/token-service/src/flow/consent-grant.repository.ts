import { Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { joinScope, splitScope } from '../authorize/scope.rule';
import { newOpaqueToken } from '../crypto/opaque-token';
import { ConsentGrant } from './consent-grant.entity';

@Injectable()
export class ConsentGrantRepository {
  private readonly grants: Repository<ConsentGrant>;

  constructor(dataSource: DataSource) {
    this.grants = dataSource.getRepository(ConsentGrant);
  }

  async rememberedScope(subject: string, clientId: string): Promise<string[]> {
    const grant = await this.grants.findOneBy({ subject, clientId });
    return grant ? splitScope(grant.scope) : [];
  }

  /** Adds to what the person already allowed this client. */
  async remember(subject: string, clientId: string, scope: string[], now: number): Promise<void> {
    let existing = await this.grants.findOneBy({ subject, clientId });
    if (!existing) {
      try {
        await this.grants.insert({ id: newOpaqueToken(16), subject, clientId, scope: joinScope(scope), createdAt: now });
        return;
      } catch (err) {
        // A concurrent sign-in of the same person may have inserted it first: merge into that one.
        existing = await this.grants.findOneBy({ subject, clientId });
        if (!existing) throw err;
      }
    }
    const merged = [...new Set([...splitScope(existing.scope), ...scope])];
    await this.grants.update({ id: existing.id }, { scope: joinScope(merged) });
  }
}
