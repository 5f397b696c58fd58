import type { VerifiedToken } from '@tessera/rp';

export interface Row {
  label: string;
  claim: string;
  value: string;
}

// The ID token's claims a person recognises, in this order; others are not shown.
const PROFILE_CLAIMS: [claim: string, label: string][] = [
  ['sub', 'Subject'],
  ['name', 'Name'],
  ['preferred_username', 'Username'],
  ['email', 'E-mail'],
  ['email_verified', 'E-mail verified'],
  ['updated_at', 'Profile updated'],
  ['auth_time', 'Signed in at'],
  ['amr', 'Sign-in method'],
  ['iss', 'Issuer'],
];
const TIME_CLAIMS = new Set(['updated_at', 'auth_time', 'exp', 'iat']);

/** The rows of the profile table, from the verified ID token. */
export function profileRows(id: VerifiedToken): Row[] {
  return PROFILE_CLAIMS
    .filter(([claim]) => id.claims[claim] !== undefined && id.claims[claim] !== null)
    .map(([claim, label]) => ({ claim, label, value: display(claim, id.claims[claim]) }));
}

/** What the access token lets this session do, and for how long. */
export function accessTokenRows(access: VerifiedToken, nowMs: number): Row[] {
  const { scope, client_id: clientId, exp, aud } = access.claims as Record<string, unknown>;
  const rows: Row[] = [];
  if (typeof scope === 'string') rows.push({ claim: 'scope', label: 'Scope', value: scope });
  if (typeof clientId === 'string') rows.push({ claim: 'client_id', label: 'Client', value: clientId });
  if (aud !== undefined) rows.push({ claim: 'aud', label: 'Audience', value: display('aud', aud) });
  if (typeof exp === 'number') {
    const minutes = Math.max(0, Math.round((exp * 1000 - nowMs) / 60_000));
    rows.push({ claim: 'exp', label: 'Expires', value: `${display('exp', exp)} (in ${minutes} min)` });
  }
  return rows;
}

function display(claim: string, value: unknown): string {
  if (TIME_CLAIMS.has(claim) && typeof value === 'number') return new Date(value * 1000).toISOString().replace('.000Z', 'Z');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.map((v) => String(v)).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
