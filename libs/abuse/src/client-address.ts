import { isIPv4, isIPv6 } from 'node:net';

/**
 * The key a client address is counted under. An IPv4 address is its own key (also when it arrives
 * IPv4-mapped, `::ffff:192.0.2.1`). An IPv6 address counts as its /64: one subscriber usually holds
 * a whole /64 (RFC 6177 §2) and can pick any address in it, so counting single addresses would let
 * one client make up fresh keys at will.
 *
 * @example
 * ```ts
 * rateLimitKey('2001:db8:1:2:aaaa::1'); // '2001:db8:1:2::/64'
 * rateLimitKey('::ffff:192.0.2.1');     // '192.0.2.1'
 * ```
 */
export function rateLimitKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const bare = address.split('%')[0];
  if (isIPv4(bare)) return bare;
  if (!isIPv6(bare)) return bare;
  const groups = ipv6Groups(bare);
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (mapped) return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a trailing dotted quad converted). */
function ipv6Groups(address: string): number[] {
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const parse = (part: string | undefined): number[] => {
    if (!part) return [];
    return part.split(':').flatMap((g) => {
      if (!g.includes('.')) return [parseInt(g, 16)];
      const [a, b, c, d] = g.split('.').map(Number);
      return [(a << 8) | b, (c << 8) | d];
    });
  };
  const front = parse(head);
  const back = parse(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}
