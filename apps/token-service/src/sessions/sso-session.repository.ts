import type { ClaimSet } from '../claims/claims.rule';
import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, MoreThan, Repository } from 'typeorm';
import { hashOpaqueToken, newOpaqueToken } from '../crypto/opaque-token';
import { SsoSession } from './sso-session.entity';

export interface NewSession {
  subject: string;
  authTime: number;
  amr: string[];
  claims: ClaimSet;
  remember: boolean;
  expiresAt: number;
}

@Injectable()
export class SsoSessionRepository {
  private readonly sessions: Repository<SsoSession>;

  constructor(dataSource: DataSource) {
    this.sessions = dataSource.getRepository(SsoSession);
  }

  /** The live session behind a browser's cookie value, if it has one. */
  async findActiveByToken(token: string | undefined, now: number): Promise<SsoSession | null> {
    if (token === undefined) return null;
    return this.sessions.findOneBy({ tokenHash: hashOpaqueToken(token), endedAt: IsNull(), expiresAt: MoreThan(now) });
  }

  /** A session by its public id (the `sid`), ended or not. */
  findById(id: string): Promise<SsoSession | null> {
    return this.sessions.findOneBy({ id });
  }

  /** Always a new id and a new secret: a sign-in never adopts a session id the browser brought (session fixation). */
  async start(fields: NewSession, now: number): Promise<{ session: SsoSession; token: string }> {
    const token = newOpaqueToken();
    const session = this.sessions.create({ ...fields, id: newOpaqueToken(16), tokenHash: hashOpaqueToken(token), createdAt: now, endedAt: null });
    await this.sessions.insert(session);
    return { session, token };
  }

  async end(id: string, now: number): Promise<void> {
    await this.sessions.update({ id, endedAt: IsNull() }, { endedAt: now });
  }
}
