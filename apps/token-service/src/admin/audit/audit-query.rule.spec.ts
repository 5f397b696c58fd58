import { AdminApiException } from '../admin-api-error';
import { parseInstant, readAuditQuery } from './audit-query.rule';

describe('readAuditQuery', () => {
  it.each<[Record<string, unknown>, ReturnType<typeof readAuditQuery>]>([
    [{}, { filter: {}, page: { limit: 50 } }],
    [
      { type: ['client.created', 'client.deleted', 'client.created'], subject: 's', client_id: 'c', actor: 'client:x', limit: '10' },
      { filter: { types: ['client.created', 'client.deleted'], subject: 's', clientId: 'c', actor: 'client:x' }, page: { limit: 10 } },
    ],
    [
      { since: '1790000000000', until: '2027-01-01T00:00:00Z' },
      { filter: { since: 1_790_000_000_000, until: Date.parse('2027-01-01T00:00:00Z') }, page: { limit: 50 } },
    ],
  ])('reads %j', (query, expected) => {
    expect(readAuditQuery(query)).toEqual(expected);
  });

  it.each<[Record<string, unknown>, string[]]>([
    [{ type: 'sign_in.maybe' }, ['type']],
    [{ type: ['client.created', 'nope'] }, ['type']],
    [{ since: 'yesterday' }, ['since']],
    [{ since: '1700000000' }, ['since']],
    [{ until: '2027-13-45T00:00:00Z' }, ['until']],
    [{ since: '1800000000000', until: '1800000000000' }, ['until']],
    [{ subject: ['a', 'b'], page: '2' }, ['subject', 'page']],
  ])('refuses %j', (query, fields) => {
    try {
      readAuditQuery(query);
      throw new Error('not refused');
    } catch (err) {
      expect(err).toBeInstanceOf(AdminApiException);
      expect((err as AdminApiException).toJSON().fields!.map((f) => f.path).sort()).toEqual([...fields].sort());
    }
  });

  it.each<[string, number | undefined]>([
    ['1800000000000', 1_800_000_000_000],
    ['2026-11-28', Date.parse('2026-11-28T00:00:00Z')],
    ['2026-11-28T10:00:00.5+01:00', Date.parse('2026-11-28T09:00:00.500Z')],
    ['2026-11-28 10:00', undefined],
    ['18000000000000', undefined],
    ['', undefined],
  ])('parses the instant %p', (value, expected) => {
    expect(parseInstant(value)).toBe(expected);
  });
});
