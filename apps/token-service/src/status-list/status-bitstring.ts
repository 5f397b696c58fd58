import { deflateSync } from 'node:zlib';

/** Status values of draft-ietf-oauth-status-list §7.1; Tessera sets only INVALID (revoked). */
export const TOKEN_STATUS = { VALID: 0, INVALID: 1, SUSPENDED: 2 } as const;

/** The `status_list` claim of a Status List Token (draft-ietf-oauth-status-list §4.2). */
export interface StatusListClaim {
  bits: 1 | 2 | 4 | 8;
  lst: string;
}

/**
 * Packs `size` entries of `bits` each, every index in `revoked` set to INVALID, into the claim.
 * §4.1: entry i occupies bits i·bits … i·bits+bits-1 of the array, least significant bit first within
 * each byte; the byte array is compressed with DEFLATE in the ZLIB format (RFC 1950) and base64url'd.
 *
 * @example
 * statusListClaim(16, 1, [0, 9]) // { bits: 1, lst: base64url(zlib([0b00000001, 0b00000010])) }
 */
export function statusListClaim(size: number, bits: StatusListClaim['bits'], revoked: Iterable<number>): StatusListClaim {
  const bytes = Buffer.alloc(Math.ceil((size * bits) / 8));
  for (const idx of revoked) {
    if (!Number.isInteger(idx) || idx < 0 || idx >= size) continue;
    const position = idx * bits;
    bytes[position >> 3] |= TOKEN_STATUS.INVALID << (position & 7);
  }
  return { bits, lst: deflateSync(bytes, { level: 9 }).toString('base64url') };
}
