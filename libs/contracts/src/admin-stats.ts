/**
 * `GET {TOKEN_SERVICE_INTERNAL_URL}/admin/api/v1/stats`: the figures of the console's dashboard, in
 * one call. Counting stops just past `count_cap`: a count above it means "more than count_cap"
 * (shown as "1000+"), because a dashboard that is opened often must not cost more as tables grow.
 */
export interface AdminStats {
  /** Registered clients (up to `count_cap` + 1). */
  clients: number;
  /** SSO sessions that have neither ended nor expired (up to `count_cap` + 1). */
  active_sessions: number;
  count_cap: number;
  /**
   * Sign-ins of the last 24 hours from the audit trail (`sign_in.succeeded`, `sign_in.failed`), one
   * entry per hour, oldest first; `hour` is the hour's start (epoch ms, UTC), the last one the current hour.
   */
  sign_ins: { hour: number; succeeded: number; failed: number }[];
  /** When these figures were read (epoch ms). */
  at: number;
}
