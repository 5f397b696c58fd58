import { inflateSync } from 'node:zlib';
import { statusListClaim } from './status-bitstring';

/** Reads entry `idx` the way a relying party does (draft-ietf-oauth-status-list §4.1). */
function entry(lst: string, bits: number, idx: number): number {
  const bytes = inflateSync(Buffer.from(lst, 'base64url'));
  const position = idx * bits;
  return (bytes[position >> 3] >> (position & 7)) & ((1 << bits) - 1);
}

describe('statusListClaim', () => {
  it('matches the example of draft-ietf-oauth-status-list §4.1 (bits 1)', () => {
    // The draft's example: statuses of indexes 0..15 are 1,0,0,1,1,1,0,1, 1,1,0,0,0,1,0,1 → bytes 0xB9 0xA3.
    const revoked = [0, 3, 4, 5, 7, 8, 9, 13, 15];
    const { bits, lst } = statusListClaim(16, 1, revoked);
    expect(bits).toBe(1);
    expect([...inflateSync(Buffer.from(lst, 'base64url'))]).toEqual([0xb9, 0xa3]);
  });

  it.each([
    { bits: 1 as const, revoked: [0, 7, 8, 65_535] },
    { bits: 2 as const, revoked: [1, 3, 4, 1000] },
  ])('sets exactly the revoked entries with $bits bit(s) per entry, zlib (RFC 1950) compressed', ({ bits, revoked }) => {
    const size = 65_536;
    const { lst } = statusListClaim(size, bits, revoked);
    const raw = inflateSync(Buffer.from(lst, 'base64url'));
    expect(raw.length).toBe((size * bits) / 8);
    expect(Buffer.from(lst, 'base64url')[0]).toBe(0x78); // a zlib header: not raw DEFLATE, not gzip
    for (const idx of [0, 1, 2, 3, 4, 7, 8, 9, 999, 1000, 65_534, 65_535]) {
      expect(entry(lst, bits, idx)).toBe(revoked.includes(idx) ? 1 : 0);
    }
  });

  it('ignores indexes outside the list instead of writing past it', () => {
    const { lst } = statusListClaim(8, 1, [-1, 8, 1.5]);
    expect([...inflateSync(Buffer.from(lst, 'base64url'))]).toEqual([0]);
  });
});
