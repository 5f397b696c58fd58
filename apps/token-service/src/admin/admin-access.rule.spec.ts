import { decideAdminAccess } from './admin-access.rule';

const ISS = 'https://id.example';
const ADMIN_AUD = `${ISS}/admin/api`;
const PERSON = { sub: 'person-1', client_id: 'console', gid: 'grant-1', scope: 'openid tessera:admin', aud: ['console', ADMIN_AUD], roles: ['admin'] };
const SERVICE = { sub: 'robot', client_id: 'robot', scope: 'tessera:admin', aud: ['robot', ADMIN_AUD], roles: ['admin'] };

describe('decideAdminAccess (who may use the admin API)', () => {
  it.each<[string, Record<string, unknown>, ReturnType<typeof decideAdminAccess>]>([
    ['a person with the role, through their client', PERSON, { allowed: true, actor: 'person-1', clientId: 'console' }],
    ['a service client acting for itself', SERVICE, { allowed: true, actor: 'client:robot', clientId: 'robot' }],
    ['a person with other roles besides admin', { ...PERSON, roles: ['auditor', 'admin'] }, { allowed: true, actor: 'person-1', clientId: 'console' }],
    ['a token without tessera:admin', { ...PERSON, scope: 'openid profile', aud: 'console' }, { allowed: false, refusal: 'insufficient_scope' }],
    ['a token without any scope', { ...SERVICE, scope: undefined }, { allowed: false, refusal: 'insufficient_scope' }],
    ['a scope that only contains the name', { ...SERVICE, scope: 'tessera:administrator' }, { allowed: false, refusal: 'insufficient_scope' }],
    ['the scope, but not meant for the admin API', { ...PERSON, aud: 'console' }, { allowed: false, refusal: 'wrong_audience' }],
    ['the scope, meant for another issuer\'s admin API', { ...PERSON, aud: ['console', 'https://other.example/admin/api'] }, { allowed: false, refusal: 'wrong_audience' }],
    ['the scope, but no roles', { ...PERSON, roles: undefined }, { allowed: false, refusal: 'not_admin' }],
    ['the scope, but other roles', { ...PERSON, roles: ['auditor'] }, { allowed: false, refusal: 'not_admin' }],
    ['roles that are not a list', { ...PERSON, roles: 'admin' }, { allowed: false, refusal: 'not_admin' }],
    ['no client_id', { ...SERVICE, client_id: undefined }, { allowed: false, refusal: 'wrong_audience' }],
  ])('%s', (_case, claims, decision) => {
    expect(decideAdminAccess(claims, ISS)).toEqual(decision);
  });
});
