import { readAuditFilter } from './audit-filter.rule';

describe('readAuditFilter (the audit page\'s filters)', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['no filter', {}, { type: '', subject: '', client_id: '', since: '', until: '', cursor: '', limit: 50 }],
    ['every filter', { type: 'sign_in.failed', subject: ' u1 ', client_id: 'c1', since: '2026-11-28T09:00', until: '2026-11-28T10:30:15', cursor: 'abc_-1' },
      { type: 'sign_in.failed', subject: 'u1', client_id: 'c1', since: '2026-11-28T09:00:00Z', until: '2026-11-28T10:30:15Z', cursor: 'abc_-1', limit: 50 }],
    ['unknown parameters are ignored', { page: '2' }, { type: '', subject: '', client_id: '', since: '', until: '', cursor: '', limit: 50 }],
  ])('%s', (_name, query, expected) => {
    const filter = readAuditFilter(query);
    expect(filter.problems).toEqual({});
    expect(filter.query).toEqual(expected);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['an unknown type', { type: 'sign_in.maybe' }, ['type']],
    ['a repeated subject', { subject: ['a', 'b'] }, ['subject']],
    ['a long client id', { client_id: 'c'.repeat(256) }, ['client_id']],
    ['a date without time', { since: '2026-11-28' }, ['since']],
    ['an impossible date', { until: '2026-13-45T10:00' }, ['until']],
    ['a time zone in the value', { since: '2026-11-28T10:00Z' }, ['since']],
    ['until before since', { since: '2026-11-28T10:00', until: '2026-11-28T09:00' }, ['until']],
    ['a forged cursor', { cursor: '../x' }, ['cursor']],
  ])('refuses %s', (_name, query, fields) => {
    const filter = readAuditFilter(query);
    expect(Object.keys(filter.problems).sort()).toEqual(fields);
    expect(filter.query).toBeUndefined();
  });

  it('keeps what was typed for the form', () => {
    expect(readAuditFilter({ type: 'logout', subject: 'u1', since: 'yesterday' }).form).toEqual({ type: 'logout', subject: 'u1', client_id: '', since: 'yesterday', until: '' });
  });
});
