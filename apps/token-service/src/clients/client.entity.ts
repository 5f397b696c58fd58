import { booleanColumn, epochMillis } from '@tessera/database';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { GrantType, ResponseType, TokenEndpointAuthMethod } from './client-metadata.rule';

/** A registered OAuth client (RFC 7591 §2 metadata, stored). */
@Entity('clients')
export class Client {
  @PrimaryColumn({ name: 'client_id', type: 'varchar', length: 64 })
  clientId!: string;

  /** SHA-256 of the secret (crypto/opaque-token); null for public clients. */
  @Column({ name: 'client_secret_hash', type: 'varchar', length: 64, nullable: true })
  clientSecretHash!: string | null;

  // The admin API lists clients by name (admin/clients).
  @Index('idx_clients_name')
  @Column({ name: 'client_name', type: 'varchar', length: 200 })
  clientName!: string;

  @Column({ name: 'client_uri', type: 'varchar', length: 2000, nullable: true })
  clientUri!: string | null;

  @Column({ name: 'redirect_uris', type: 'simple-json' })
  redirectUris!: string[];

  @Column({ name: 'post_logout_redirect_uris', type: 'simple-json' })
  postLogoutRedirectUris!: string[];

  @Column({ name: 'grant_types', type: 'simple-json' })
  grantTypes!: GrantType[];

  @Column({ name: 'response_types', type: 'simple-json' })
  responseTypes!: ResponseType[];

  @Column({ name: 'token_endpoint_auth_method', type: 'varchar', length: 32 })
  tokenEndpointAuthMethod!: TokenEndpointAuthMethod;

  /** Ours: consent is not asked. Never set through dynamic registration. */
  @Column({ name: 'first_party', ...booleanColumn })
  firstParty!: boolean;

  /**
   * RFC 7591 §2 `scope`: the scopes this client may obtain, space-separated; null means the OIDC
   * scopes (authorize/scope.rule.ts `allowedScopes`). Only the admin API and the CLI may include
   * `tessera:admin`, never dynamic registration.
   */
  @Column({ type: 'varchar', length: 1000, nullable: true })
  scope!: string | null;

  /** OIDC Back-Channel Logout 1.0 §2.2; null: the client is not told when a session ends. */
  @Column({ name: 'backchannel_logout_uri', type: 'varchar', length: 2000, nullable: true })
  backchannelLogoutUri!: string | null;

  @Column({ name: 'backchannel_logout_session_required', ...booleanColumn })
  backchannelLogoutSessionRequired!: boolean;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMillis })
  createdAt!: number;
}
