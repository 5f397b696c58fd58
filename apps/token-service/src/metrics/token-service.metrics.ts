import type { INestApplication } from '@nestjs/common';
import { FinishedRequest, MetricsRegistry, registerDatabasePoolGauge } from '@tessera/operations';
import { DataSource } from 'typeorm';
import { AuditLog } from '../audit/audit-log';
import { SigningKeyRepository } from '../keys/signing-key.repository';

// The grants this issuer serves; anything else a client sends is counted as `other`, so a client
// cannot grow the label set.
const GRANT_TYPES = new Set(['authorization_code', 'refresh_token', 'client_credentials']);

/**
 * The token service's own metrics next to the request counters: token responses by grant type,
 * the database pool and the age of each published signing key.
 */
export function registerTokenServiceMetrics(registry: MetricsRegistry, app: () => INestApplication | undefined): (finished: FinishedRequest) => void {
  const issued = registry.counter('tessera_tokens_issued_total', 'Successful token endpoint responses by grant type');
  registerDatabasePoolGauge(registry, () => app()?.get(DataSource));
  registry.gauge('tessera_signing_key_age_seconds', 'Seconds since each published signing key was activated', async () => {
    const dataSource = app()?.get(DataSource);
    if (!dataSource?.isInitialized) return [];
    const now = Date.now();
    return (await new SigningKeyRepository(dataSource).listSummaries())
      .filter((key) => (key.state === 'active' || key.state === 'retired') && key.activatedAt !== null)
      .map((key) => ({ labels: { kid: key.kid, state: key.state }, value: Math.max(0, Math.floor((now - (key.activatedAt as number)) / 1000)) }));
  });
  registry.gauge('tessera_audit_events_lost', 'Audit events lost since start, by reason: buffer_full (database too slow or away) or write_failed (twice)', () =>
    app()?.get(AuditLog).losses().map(({ reason, count }) => ({ labels: { reason }, value: count })) ?? []);
  return ({ req, route, status }) => {
    if (route !== '/oauth2/token' || status !== 200) return;
    const grantType = (req.body as Record<string, unknown> | undefined)?.grant_type;
    issued.inc({ grant_type: typeof grantType === 'string' && GRANT_TYPES.has(grantType) ? grantType : 'other' });
  };
}
