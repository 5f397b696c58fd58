import { AuditEventInput, AuditEventType } from '@tessera/contracts';
import type { KeyChanges, SigningKeyState } from '../keys/key-schedule';

const EVENT_OF_STATE: Record<Exclude<SigningKeyState, 'next'>, AuditEventType> = {
  active: 'key.activated',
  retired: 'key.retired',
  removed: 'key.removed',
  revoked: 'key.revoked',
};

/**
 * The audit events of one applied change of the signing keys (key-schedule.ts): a created key is
 * `key.published` (and `key.activated` too when it was created active: the first start, or a
 * rotation `--now`), each update the event of its new state. `actor` is `system` for the schedule,
 * `cli` for an operator's command, or whoever asked through the admin API.
 */
export function keyChangeEvents(changes: KeyChanges, createdKid: string | undefined, actor: string): AuditEventInput[] {
  const events: AuditEventInput[] = [];
  if (changes.create && createdKid) {
    events.push({ type: 'key.published', actor, details: { kid: createdKid } });
    if (changes.create.state === 'active') events.push({ type: 'key.activated', actor, details: { kid: createdKid } });
  }
  for (const update of changes.updates) {
    if (update.state !== 'next') events.push({ type: EVENT_OF_STATE[update.state], actor, details: { kid: update.kid } });
  }
  return events;
}
