import { accessTokenAudience, claimsForScope, rolesOf } from './claims.rule';

const CLAIMS = { name: 'Ann Lee', preferred_username: 'ann', email: 'ann@example.com', email_verified: true, updated_at: 1700000000, roles: ['admin'] };

describe('claims released by scope (OIDC Core §5.4)', () => {
  it.each([
    [['openid'], {}],
    [['openid', 'profile'], { name: 'Ann Lee', preferred_username: 'ann', updated_at: 1700000000 }],
    [['openid', 'email'], { email: 'ann@example.com', email_verified: true }],
    [['openid', 'offline_access'], {}],
    // Roles are never released to an ID token or userinfo, whatever the scope.
    [['openid', 'profile', 'email', 'offline_access', 'tessera:admin'], {
      name: 'Ann Lee', preferred_username: 'ann', updated_at: 1700000000, email: 'ann@example.com', email_verified: true,
    }],
  ])('scope %p releases only its claims', (scope, expected) => {
    expect(claimsForScope(CLAIMS, scope)).toEqual(expected);
  });

  it.each<[string[], string[], ReturnType<typeof accessTokenAudience>]>([
    [['openid', 'profile'], ['admin'], { aud: 'c1' }],
    [['openid', 'tessera:admin'], ['admin'], { aud: ['c1', 'https://id.example/admin/api'], roles: ['admin'] }],
    [['tessera:admin'], [], { aud: ['c1', 'https://id.example/admin/api'], roles: [] }],
  ])('an access token for scope %p and roles %p has %j', (scope, roles, expected) => {
    expect(accessTokenAudience(scope, 'c1', 'https://id.example', roles)).toEqual(expected);
  });

  it.each<[Record<string, unknown>, string[]]>([[{ roles: ['admin', 'x'] }, ['admin', 'x']], [{}, []], [{ roles: 'admin' }, []]])(
    'reads the roles of %j', (claims, roles) => {
      expect(rolesOf(claims as never)).toEqual(roles);
    },
  );
});
