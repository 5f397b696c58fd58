import { epochMillis } from '@tessera/database';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type SigningKeyState = 'active' | 'retired';

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

  /** The private JWK as a compact JWE (dir, A256GCM). */
  @Column({ name: 'private_jwk_encrypted', type: 'text' })
  privateJwkEncrypted!: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMillis })
  createdAt!: number;

  @Column({ name: 'activated_at', type: 'bigint', nullable: true, transformer: epochMillis })
  activatedAt!: number | null;

  @Column({ name: 'retired_at', type: 'bigint', nullable: true, transformer: epochMillis })
  retiredAt!: number | null;
}
