import type { INestApplication } from '@nestjs/common';
import { ConcurrencyGate } from '@tessera/abuse';
import { Counter, MetricsRegistry, registerDatabasePoolGauge } from '@tessera/operations';
import { DataSource } from 'typeorm';
import { AuditTrail } from '../audit/audit-trail';
import { LockSightings } from '../users/lock-sightings';
import { SIGN_IN_OUTCOMES, SignInEvents, SignInOutcome } from '../users/users.service';

/**
 * The login UI's own metrics next to the request counters: sign-in outcomes, lockouts started and
 * argon2 gate refusals (fed by the user directory as SignInEvents), and, read at scrape time, the
 * database pool and the argon2 work in flight. No label carries a user, a name or an address.
 */
export class LoginUiMetrics implements SignInEvents {
  readonly registry = new MetricsRegistry();
  private readonly signIns: Counter;
  private readonly lockouts: Counter;
  private readonly gateRejections: Counter;
  private readonly countedLocks = new LockSightings();

  constructor() {
    this.signIns = this.registry.counter('tessera_sign_ins_total', 'Sign-in attempts by outcome');
    this.lockouts = this.registry.counter('tessera_lockouts_total', 'Account lockouts started (a wrong password that left the account waiting)');
    this.gateRejections = this.registry.counter('tessera_argon2_gate_rejections_total', 'argon2 work refused because the gate and its queue were full (answered 503)');
    // Every series from the first scrape on, so rate() sees the first increment.
    for (const outcome of SIGN_IN_OUTCOMES) this.signIns.inc({ outcome }, 0);
    this.lockouts.inc({}, 0);
    this.gateRejections.inc({}, 0);
  }

  /** The gauges that read the running app: its DataSource's pool and its argon2 gate. */
  watch(app: () => INestApplication | undefined): void {
    registerDatabasePoolGauge(this.registry, () => app()?.get(DataSource));
    this.registry.gauge('tessera_argon2_tasks', 'argon2 hashes and verifications running and waiting for a turn', () => {
      const gate = app()?.get(ConcurrencyGate);
      if (!gate) return [];
      const { running, waiting } = gate.load;
      return [{ labels: { state: 'running' }, value: running }, { labels: { state: 'waiting' }, value: waiting }];
    });
    this.registry.gauge('tessera_audit_events_lost', 'Audit events lost since start, by reason: buffer_full (token service too slow or away) or write_failed (sent twice)', () =>
      app()?.get(AuditTrail).losses().map(({ reason, count }) => ({ labels: { reason }, value: count })) ?? []);
  }

  signIn(outcome: SignInOutcome): void {
    this.signIns.inc({ outcome });
  }

  lockedOut(userId: string, lockedUntil: number): void {
    if (this.countedLocks.first(userId, lockedUntil)) this.lockouts.inc();
  }

  gateFull(): void {
    this.gateRejections.inc();
  }
}
