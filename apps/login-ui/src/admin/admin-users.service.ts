import { Inject, Injectable, Logger } from '@nestjs/common';
import { ADMIN_ROLE, AdminUser, AdminUserWithPassword, AuditEventInput, Page, SubjectRevocation } from '@tessera/contracts';
import { AuditTrail } from '../audit/audit-trail';
import { TokenServiceClient } from '../token-service/token-service.client';
import { TokenServiceProtocolError, TokenServiceUnavailable } from '../token-service/token-service.errors';
import { DirectoryQuery, ProfileChanges, UserAccount, Users } from '../users/users.service';
import type { AdminActor } from './admin-auth.guard';
import { AdminRefusal } from './admin-refusal';
import { NewUserBody, PasswordChoice } from './user-bodies.rule';

const RETRY_AFTER_SECONDS = 5;

/**
 * The user directory's admin operations: each one changes the account through Users, does what
 * follows from it elsewhere (a disabled person's sessions and tokens, at the token service), and
 * leaves an audit event naming the actor. Answers are contracts `AdminUser`, never an entity.
 */
@Injectable()
export class AdminUsers {
  private readonly logger = new Logger('AdminUsers');

  constructor(
    @Inject(Users) private readonly users: Users,
    @Inject(TokenServiceClient) private readonly tokenService: TokenServiceClient,
    @Inject(AuditTrail) private readonly audit: AuditTrail,
  ) {}

  async list(query: DirectoryQuery): Promise<Page<AdminUser>> {
    const page = await this.users.listAccounts(query);
    return { items: page.users.map(toAdminUser), next_cursor: page.next };
  }

  async get(id: string): Promise<AdminUser> {
    return toAdminUser(found(await this.users.findAccount(id)));
  }

  async create(body: NewUserBody, by: AdminActor): Promise<AdminUser | AdminUserWithPassword> {
    const password = this.passwordFrom(body.password);
    const account = await this.users.create({ ...body.profile, username: body.username, roles: body.roles, password });
    this.record(by, { type: 'user.created', subject: account.id, details: { roles: account.roles.join(' '), generated_password: 'generate' in body.password } });
    return withPassword(account, body.password, password);
  }

  async updateProfile(id: string, changes: ProfileChanges, by: AdminActor): Promise<AdminUser> {
    const account = found(await this.users.updateProfile(id, changes));
    this.record(by, { type: 'user.updated', subject: id, details: { fields: Object.keys(changes).map((k) => (k === 'emailVerified' ? 'email_verified' : k)).join(' ') } });
    return toAdminUser(account);
  }

  /**
   * Roles reach tokens as a snapshot taken at sign-in (the grant's claims, which refreshes and silent
   * sign-ins in the same SSO session keep handing out), so taking the admin role away also ends the
   * person's sessions and grants at the token service: their admin tokens are refused at once by the
   * admin API and within a status-list ttl by the users API, and the next sign-in carries no role.
   * If the token service cannot do that, the role is put back and the answer is 503, so that a
   * repeated request finds the person still an administrator and does it all again.
   */
  async setRoles(id: string, roles: string[], by: AdminActor): Promise<AdminUser> {
    // An administrator cannot lock themselves out by accident; another one can take the role away.
    if (by.actor === id && !roles.includes(ADMIN_ROLE)) throw AdminRefusal.conflict('you cannot remove the admin role from your own account');
    const before = found(await this.users.findAccount(id));
    const account = found(await this.users.setRoles(id, roles));
    let revoked: SubjectRevocation | null = null;
    if (before.roles.includes(ADMIN_ROLE) && !account.roles.includes(ADMIN_ROLE)) {
      revoked = await this.revokeHoldings(id, by);
      if (!revoked) {
        await this.users.setRoles(id, before.roles);
        throw AdminRefusal.unavailable('the admin role was kept: the person\'s sessions and tokens could not be revoked yet, and the change would not take effect without that; repeat the request', RETRY_AFTER_SECONDS);
      }
    }
    const details: Record<string, string | number> = { roles: account.roles.join(' ') };
    if (revoked) Object.assign(details, { sessions_ended: revoked.sessions_ended, grants_revoked: revoked.grants_revoked });
    this.record(by, { type: 'user.roles_changed', subject: id, details });
    return toAdminUser(account);
  }

  /**
   * The account is disabled first, so no new sign-in can start, and then the token service ends
   * the person's sessions and revokes their grants. If that fails, the answer is 503 and the
   * account stays disabled: the call is safe to repeat, and only a complete one is reported done
   * (and audited). Never the other way round, which would leave a window for a fresh session.
   */
  async disable(id: string, by: AdminActor): Promise<AdminUser> {
    if (by.actor === id) throw AdminRefusal.conflict('you cannot disable your own account');
    const account = found(await this.users.setDisabled(id, true));
    const revoked = await this.revokeHoldings(id, by);
    if (!revoked) throw AdminRefusal.unavailable('the account is disabled, but its sessions and tokens could not be revoked yet: repeat the request', RETRY_AFTER_SECONDS);
    this.record(by, { type: 'user.disabled', subject: id, details: { sessions_ended: revoked.sessions_ended, grants_revoked: revoked.grants_revoked } });
    return toAdminUser(account);
  }

  async enable(id: string, by: AdminActor): Promise<AdminUser> {
    const account = found(await this.users.setDisabled(id, false));
    this.record(by, { type: 'user.enabled', subject: id });
    return toAdminUser(account);
  }

  async resetPassword(id: string, choice: PasswordChoice, by: AdminActor): Promise<AdminUser | AdminUserWithPassword> {
    const password = this.passwordFrom(choice);
    const account = found(await this.users.resetPassword(id, password));
    this.record(by, { type: 'user.password_reset', subject: id, details: { generated_password: 'generate' in choice } });
    return withPassword(account, choice, password);
  }

  async unlock(id: string, by: AdminActor): Promise<AdminUser> {
    if (!(await this.users.unlock(id))) throw AdminRefusal.notFound('user');
    this.record(by, { type: 'user.unlocked', subject: id });
    return this.get(id);
  }

  /** Ends the person's SSO sessions and revokes their grants at the token service; null (logged) when it cannot. */
  private async revokeHoldings(id: string, by: AdminActor): Promise<SubjectRevocation | null> {
    try {
      return await this.tokenService.revokeSubject(id, by.actor);
    } catch (err) {
      if (!(err instanceof TokenServiceUnavailable || err instanceof TokenServiceProtocolError)) throw err;
      this.logger.warn(`revoking the sessions and grants of user ${id} failed: ${err.message}`);
      return null;
    }
  }

  private passwordFrom(choice: PasswordChoice): string {
    return 'generate' in choice ? this.users.generatePassword() : choice.password;
  }

  private record(by: AdminActor, event: Omit<AuditEventInput, 'actor' | 'ip'>): void {
    this.audit.record({ ...event, actor: by.actor, ip: by.ip ?? null });
  }
}

function found(account: UserAccount | null): UserAccount {
  if (!account) throw AdminRefusal.notFound('user');
  return account;
}

/** A generated password is in the answer this once; a given one is never echoed. */
function withPassword(account: UserAccount, choice: PasswordChoice, password: string): AdminUser | AdminUserWithPassword {
  return 'generate' in choice ? { ...toAdminUser(account), generated_password: password } : toAdminUser(account);
}

function toAdminUser(account: UserAccount): AdminUser {
  return {
    id: account.id,
    username: account.username,
    name: account.name,
    given_name: account.profile.given_name ?? null,
    family_name: account.profile.family_name ?? null,
    email: account.email,
    email_verified: account.emailVerified,
    picture: account.profile.picture ?? null,
    locale: account.profile.locale ?? null,
    zoneinfo: account.profile.zoneinfo ?? null,
    roles: account.roles,
    disabled: account.disabled,
    failed_sign_ins: account.lockout.failures,
    locked_until: account.lockout.lockedUntil,
    created_at: account.createdAt,
    updated_at: account.updatedAt,
  };
}
