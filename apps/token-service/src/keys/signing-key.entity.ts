import { epochMillis } from '@tessera/database';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { SigningKeyState } from './key-schedule';

export type { SigningKeyState } from './key-schedule';

/** An RS256 key pair. The private half is stored only as a JWE under KEY_ENCRYPTION_SECRET. */
@Entity('signing_keys')
@Index('IDX_signing_keys_state', ['state'])
export class SigningKey {
  /** RFC 7638 thumbprint of the public key. */
  @PrimaryColumn({ name: 'kid', type: 'varchar', length: 64 })
  kid!: string;

  @Column({ name: 'state', type: 'varchar', length: 16 })
  state!: SigningKeyState;

  /** JSON of the public JWK (kty, n, e). */
  @Column({ name: 'public_jwk', type: 'text' })
  publicJwk!: string;

  /** The private JWK as a compact JWE (dir, A256GCM); empty once the key is removed or revoked. */
  @Column({ name: 'private_jwk_encrypted', type: 'text' })
  privateJwkEncrypted!: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMillis })
  createdAt!: number;

  @Column({ name: 'activated_at', type: 'bigint', nullable: true, transformer: epochMillis })
  activatedAt!: number | null;

  @Column({ name: 'retired_at', type: 'bigint', nullable: true, transformer: epochMillis })
  retiredAt!: number | null;

  /** A `next` key may sign from then on (key-schedule.ts). */
  @Column({ name: 'activate_after', type: 'bigint', nullable: true, transformer: epochMillis })
  activateAfter!: number | null;

  /** A `retired` key leaves the JWKS then: every token it signed has expired. */
  @Column({ name: 'remove_after', type: 'bigint', nullable: true, transformer: epochMillis })
  removeAfter!: number | null;

  @Column({ name: 'revoked_at', type: 'bigint', nullable: true, transformer: epochMillis })
  revokedAt!: number | null;
}
