import { Inject, Injectable } from '@nestjs/common';
import { AdminKeyRevocation, AdminSigningKey, Page } from '@tessera/contracts';
import { DataSource } from 'typeorm';
import { keyTimeline, KeySchedulePolicy, ScheduledKey } from '../../keys/key-schedule';
import { SigningKeyRepository } from '../../keys/signing-key.repository';
import { SigningKeys } from '../../keys/signing-keys.service';
import { AdminApiException, notFound } from '../admin-api-error';
import { bodyObject, decodeCursor, pageOf, Problems, readListQuery, refuseUnknown } from '../admin-input.rule';
import { KeyRevocation } from './key-revocation.service';

const KID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The signing keys and their schedule (keys/key-schedule.ts), as `keys:list`, `keys:rotate` and
 * `keys:revoke` show and change them. The key-change audit events are SigningKeys' own, with the
 * administrator as actor.
 */
@Injectable()
export class AdminKeys {
  private readonly repository: SigningKeyRepository;

  constructor(
    @Inject(DataSource) dataSource: DataSource,
    private readonly keys: SigningKeys,
    private readonly revocation: KeyRevocation,
  ) {
    this.repository = new SigningKeyRepository(dataSource);
  }

  /** Newest first; `limit`, `cursor`. A key is added a rotation period apart: the list is read whole. */
  async list(query: unknown): Promise<Page<AdminSigningKey>> {
    const { page, problems } = readListQuery(query, []);
    problems.check();
    const keys = await this.repository.listSummaries();
    const newestFirst = [...keys].sort((a, b) => b.createdAt - a.createdAt || (a.kid < b.kid ? 1 : -1));
    const after = page.cursor === undefined ? undefined : decodeCursor<[number, string]>(page.cursor, ['number', 'string']);
    const start = after === undefined ? 0 : newestFirst.findIndex((k) => k.createdAt < after[0] || (k.createdAt === after[0] && k.kid < after[1]));
    const rows = start < 0 ? [] : newestFirst.slice(start, start + page.limit + 1);
    const policy = this.keys.schedulePolicy;
    return pageOf(rows, page.limit, (key) => keyView(key, keys, policy), (key) => [key.createdAt, key.kid]);
  }

  /**
   * `{ "now": true }` activates a key at once (`keys:rotate --now`); otherwise a next key is published
   * and activates after the lead time (or the one already scheduled is answered). Answers that key.
   */
  async rotate(body: unknown, actor: string): Promise<AdminSigningKey> {
    const input = bodyObject(body, { optional: true });
    const problems = new Problems();
    refuseUnknown(input, ['now'], problems);
    if (input.now !== undefined && typeof input.now !== 'boolean') problems.add('now', 'must be true or false');
    problems.check();
    const kid = input.now ? await this.keys.rotate(actor) : (await this.keys.publishNextKey(actor)).kid;
    return this.view(kid);
  }

  /** Emergency: out of the JWKS at once, and every token it signed revoked (KeyRevocation). */
  async revoke(kid: string, actor: string): Promise<AdminKeyRevocation> {
    const key = KID.test(kid) ? (await this.repository.listSummaries()).find((k) => k.kid === kid) : undefined;
    if (!key) throw notFound('signing key');
    if (key.state === 'removed') throw new AdminApiException('conflict', 'the key was already removed: every token it signed has expired');
    const { activeKid } = await this.revocation.revoke(kid, actor);
    return { revoked: await this.view(kid), active_kid: activeKid ?? null };
  }

  private async view(kid: string): Promise<AdminSigningKey> {
    const keys = await this.repository.listSummaries();
    return keyView(keys.find((k) => k.kid === kid)!, keys, this.keys.schedulePolicy);
  }
}

function keyView(key: ScheduledKey, keys: ScheduledKey[], policy: KeySchedulePolicy): AdminSigningKey {
  const timeline = keyTimeline(key, keys, policy);
  return {
    kid: key.kid,
    state: key.state,
    created_at: key.createdAt,
    activated_at: key.activatedAt,
    retired_at: key.retiredAt,
    revoked_at: key.revokedAt,
    activates_at: timeline.activatesAt,
    retires_at: timeline.retiresAt,
    next_key_published_at: timeline.nextKeyPublishedAt,
    removes_at: timeline.removesAt,
  };
}
