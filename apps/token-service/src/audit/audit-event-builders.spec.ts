import { UnsecuredJWT } from 'jose';
import { KeyChanges, KeyUpdate } from '../keys/key-schedule';
import type { TokenGrant } from '../token/token-grant.entity';
import { keyChangeEvents } from './key-events';
import { replayDetectedEvent, tokenIssuedEvent, tokenRevokedEvent } from './token-events';

const NOW = 1_764_300_000_000;
const jwt = (claims: Record<string, unknown>) => new UnsecuredJWT(claims).encode();
const update = (kid: string, state: KeyUpdate['state']): KeyUpdate => ({
  kid, state, activatedAt: null, retiredAt: null, activateAfter: null, removeAfter: null, revokedAt: null, wipePrivateHalf: false,
});

describe('keyChangeEvents', () => {
  it.each<[string, KeyChanges, string | undefined, [string, string][]]>([
    ['a next key created', { create: { state: 'next', createdAt: NOW, activatedAt: null, activateAfter: NOW + 1 }, updates: [] }, 'k2', [['key.published', 'k2']]],
    ['the first key, created active', { create: { state: 'active', createdAt: NOW, activatedAt: NOW, activateAfter: null }, updates: [] }, 'k1', [['key.published', 'k1'], ['key.activated', 'k1']]],
    ['a scheduled rotation', { updates: [update('k2', 'active'), update('k1', 'retired')] }, undefined, [['key.activated', 'k2'], ['key.retired', 'k1']]],
    ['a retired key removed', { updates: [update('k0', 'removed')] }, undefined, [['key.removed', 'k0']]],
    ['an emergency revocation', { updates: [update('k1', 'revoked'), update('k2', 'active')] }, undefined, [['key.revoked', 'k1'], ['key.activated', 'k2']]],
    ['nothing', { updates: [] }, undefined, []],
  ])('%s', (_case, changes, createdKid, expected) => {
    const events = keyChangeEvents(changes, createdKid, 'cli');
    expect(events.map((e) => [e.type, e.details?.kid])).toEqual(expected);
    expect(events.every((e) => e.actor === 'cli')).toBe(true);
  });
});

describe('token events', () => {
  const access = jwt({ sub: 'alice-sub', jti: 'jti-1', gid: 'grant-1', client_id: 'c1' });
  const idToken = jwt({ sub: 'alice-sub', sid: 'session-1' });

  it.each([
    ['authorization_code', 'token.issued', 'alice-sub'],
    ['refresh_token', 'token.refreshed', 'alice-sub'],
    ['client_credentials', 'token.issued', null],
  ])('%s → %s, naming the tokens by id only', (grantType, type, subject) => {
    const response = { access_token: access, token_type: 'Bearer' as const, expires_in: 900, scope: 'openid', id_token: idToken, refresh_token: 'opaque-refresh' };
    const event = tokenIssuedEvent(grantType, 'c1', response);
    expect(event).toEqual({
      type, actor: 'client:c1', subject, clientId: 'c1', sessionId: 'session-1',
      details: { grant_type: grantType, jti: 'jti-1', grant: 'grant-1', scope: 'openid', id_token_issued: true, refresh_token_issued: true },
    });
    expect(JSON.stringify(event)).not.toContain(access);
    expect(JSON.stringify(event)).not.toContain('opaque-refresh');
  });

  it('still names what it can when the access token cannot be read back', () => {
    const event = tokenIssuedEvent('client_credentials', 'c1', { access_token: 'not-a-jwt', token_type: 'Bearer', expires_in: 900, scope: '' });
    expect(event).toMatchObject({ type: 'token.issued', clientId: 'c1', sessionId: null, details: { jti: null, grant: null } });
  });

  const grant = { id: 'grant-1', subject: 'alice-sub', clientId: 'c1', sessionId: 'session-1' } as TokenGrant;

  it.each([
    ['a refresh token', { kind: 'refresh_token' as const, grant }, { token_type: 'refresh_token', grant: 'grant-1', jti: null }, 'alice-sub'],
    ['an access token of a grant', { kind: 'access_token' as const, grant, claims: { jti: 'jti-1' } }, { token_type: 'access_token', grant: 'grant-1', jti: 'jti-1' }, 'alice-sub'],
    ['a client\'s own access token', { kind: 'access_token' as const, grant: null, claims: { jti: 'jti-2' } }, { token_type: 'access_token', grant: null, jti: 'jti-2' }, null],
  ])('token.revoked for %s', (_case, revoked, details, subject) => {
    expect(tokenRevokedEvent('c1', revoked as Parameters<typeof tokenRevokedEvent>[1])).toEqual({
      type: 'token.revoked', actor: 'client:c1', subject, clientId: 'c1', sessionId: revoked.grant ? 'session-1' : null, details,
    });
  });

  it('a replay names the presenting client as actor and the family it belonged to', () => {
    expect(replayDetectedEvent('code.replay_detected', 'c2', 'grant-1', grant)).toEqual({
      type: 'code.replay_detected', actor: 'client:c2', subject: 'alice-sub', clientId: 'c1', sessionId: 'session-1', reason: 'reuse', details: { grant: 'grant-1' },
    });
    expect(replayDetectedEvent('refresh_token.reuse_detected', 'c1', 'grant-9', null, 'concurrent_use')).toEqual({
      type: 'refresh_token.reuse_detected', actor: 'client:c1', subject: null, clientId: 'c1', sessionId: null, reason: 'concurrent_use', details: { grant: 'grant-9' },
    });
  });
});
