/**
 * How long a response may be used, from its `Cache-Control` and `Age` headers (RFC 9111 §5.2.2.1,
 * §4.2.3), or undefined when the response does not say. `no-cache` and `no-store` mean "revalidate
 * now" (0); the cache clamps that to its minimum so the issuer is not asked on every request.
 */
export function freshnessSeconds(cacheControl: string | null, age: string | null): number | undefined {
  if (!cacheControl) return undefined;
  let maxAge: number | undefined;
  for (const directive of cacheControl.split(',')) {
    const [rawName, ...rest] = directive.split('=');
    const name = rawName!.trim().toLowerCase();
    if (name === 'no-cache' || name === 'no-store') return 0;
    if (name !== 'max-age') continue;
    const value = rest.join('=').trim().replace(/^"(.*)"$/, '$1');
    // RFC 9111 §1.2.2: delta-seconds is digits only; a malformed value is treated as stale.
    const seconds = /^\d{1,10}$/.test(value) ? Number(value) : 0;
    maxAge = maxAge === undefined ? seconds : Math.min(maxAge, seconds);
  }
  if (maxAge === undefined) return undefined;
  const ageSeconds = age !== null && /^\d{1,10}$/.test(age.trim()) ? Number(age.trim()) : 0;
  return Math.max(0, maxAge - ageSeconds);
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
