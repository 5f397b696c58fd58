import type { INestApplication } from '@nestjs/common';
import { ConcurrencyGate } from '@tessera/abuse';
import { Counter, MetricsRegistry, registerDatabasePoolGauge } from '@tessera/operations';
import { DataSource } from 'typeorm';
import { SIGN_IN_OUTCOMES, SignInEvents, SignInOutcome } from '../users/users.service';

// Locks remembered so that attempts racing on one account count its lock once; beyond this many
// the oldest is forgotten (it has long been counted), so memory stays bounded under any flood.
const REMEMBERED_LOCKS = 10_000;

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
  private readonly countedLocks = new Map<string, number>();

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
  }

  signIn(outcome: SignInOutcome): void {
    this.signIns.inc({ outcome });
  }

  lockedOut(userId: string, lockedUntil: number): void {
    if (this.countedLocks.get(userId) === lockedUntil) return;
    this.countedLocks.delete(userId);
    this.countedLocks.set(userId, lockedUntil);
    if (this.countedLocks.size > REMEMBERED_LOCKS) this.countedLocks.delete(this.countedLocks.keys().next().value as string);
    this.lockouts.inc();
  }

  gateFull(): void {
    this.gateRejections.inc();
  }
}
