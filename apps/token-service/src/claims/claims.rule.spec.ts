import { claimsForScope } from './claims.rule';

const CLAIMS = { name: 'Ann Lee', preferred_username: 'ann', email: 'ann@example.com', email_verified: true, updated_at: 1700000000 };

describe('claims released by scope (OIDC Core §5.4)', () => {
  it.each([
    [['openid'], {}],
    [['openid', 'profile'], { name: 'Ann Lee', preferred_username: 'ann', updated_at: 1700000000 }],
    [['openid', 'email'], { email: 'ann@example.com', email_verified: true }],
    [['openid', 'offline_access'], {}],
  ])('scope %p releases only its claims', (scope, expected) => {
    expect(claimsForScope(CLAIMS, scope)).toEqual(expected);
  });
});
