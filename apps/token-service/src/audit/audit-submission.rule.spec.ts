import { InvalidRequest } from '@tessera/contracts';
import { MAX_SUBMISSION_AGE_MS, readAuditSubmissions } from './audit-submission.rule';

const NOW = 1_764_300_000_000;
const SUB = '6f0c1a52-2f4e-4c5e-9d53-2b0e8a1f7c11';

describe('readAuditSubmissions (POST /internal/v1/audit-events)', () => {
  it('reads one event, stamped with the time of arrival when it carries none', () => {
    expect(readAuditSubmissions({ type: 'sign_in.succeeded', actor: SUB, subject: SUB, ip: '127.0.0.1' }, NOW)).toEqual([
      { event: { type: 'sign_in.succeeded', actor: SUB, subject: SUB, ip: '127.0.0.1' }, at: NOW },
    ]);
  });

  it('reads a batch, each at the time it happened', () => {
    const events = [
      { type: 'sign_in.failed', subject: SUB, reason: 'bad_credentials', at: NOW - 150 },
      { type: 'account.locked', actor: 'system', subject: SUB, details: { locked_until: NOW + 60_000 }, at: NOW - 149 },
      { type: 'user.disabled', actor: SUB, subject: 'another-sub' },
    ];
    expect(readAuditSubmissions({ events }, NOW)).toEqual([
      { event: { type: 'sign_in.failed', subject: SUB, reason: 'bad_credentials' }, at: NOW - 150 },
      { event: { type: 'account.locked', actor: 'system', subject: SUB, details: { locked_until: NOW + 60_000 } }, at: NOW - 149 },
      { event: { type: 'user.disabled', actor: SUB, subject: 'another-sub' }, at: NOW },
    ]);
  });

  it('takes an event from the future (another host\'s clock) as now', () => {
    expect(readAuditSubmissions({ type: 'sign_in.succeeded', at: NOW + 5_000 }, NOW)[0].at).toBe(NOW);
  });

  it('accepts null for an absent field', () => {
    expect(readAuditSubmissions({ type: 'sign_in.failed', actor: null, subject: null, reason: 'unknown_account' }, NOW)[0].event)
      .toEqual({ type: 'sign_in.failed', reason: 'unknown_account' });
  });

  const many = (n: number) => Array.from({ length: n }, () => ({ type: 'sign_in.succeeded' }));

  it.each([
    ['a body that is not an object', 'sign_in.succeeded', /body must be a JSON object/],
    ['an array body', [{ type: 'sign_in.succeeded' }], /body must be a JSON object/],
    ['an empty batch', { events: [] }, /1 to 100 events/],
    ['101 events', { events: many(101) }, /1 to 100 events/],
    ['a batch with other fields', { events: many(1), type: 'sign_in.succeeded' }, /only `events`/],
    ['an event that is not an object', { events: ['sign_in.succeeded'] }, /events\[0\] must be a JSON object/],
    ['an unknown type', { type: 'sign_in.guessed' }, /type is not an event the login UI reports/],
    ['a type only the token service records', { type: 'token.issued' }, /type is not an event the login UI reports/],
    ['a key event', { type: 'key.revoked' }, /type is not an event the login UI reports/],
    ['no type', { subject: SUB }, /type is not an event/],
    ['an unknown field', { type: 'sign_in.succeeded', username: 'alice' }, /unknown field/],
    ['a password field', { type: 'sign_in.failed', password: 'hunter2' }, /unknown field/],
    ['a subject too long', { type: 'sign_in.failed', subject: 's'.repeat(256) }, /subject must be a string of 1 to 255/],
    ['an empty subject', { type: 'sign_in.failed', subject: '' }, /subject must be a string/],
    ['a numeric ip', { type: 'sign_in.failed', ip: 127001 }, /ip must be a string/],
    ['a reason too long', { type: 'sign_in.failed', reason: 'r'.repeat(65) }, /reason must be a string of 1 to 64/],
    ['details that are an array', { type: 'user.updated', details: ['name'] }, /details must be a JSON object/],
    ['a nested detail', { type: 'user.updated', details: { changed: { name: true } } }, /changed must be a short string/],
    ['a list detail', { type: 'user.updated', details: { changed: ['name'] } }, /changed must be a short string/],
    ['a detail string too long', { type: 'user.updated', details: { note: 'n'.repeat(201) } }, /note must be a short string/],
    ['a detail key that is not an identifier', { type: 'user.updated', details: { 'a b': 1 } }, /key that is not a short identifier/],
    ['21 details', { type: 'user.updated', details: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i])) }, /more than 20/],
    ['a fractional at', { type: 'sign_in.succeeded', at: NOW - 0.5 }, /at must be epoch milliseconds/],
    ['an at as text', { type: 'sign_in.succeeded', at: String(NOW) }, /at must be epoch milliseconds/],
    ['an at older than a day', { type: 'sign_in.succeeded', at: NOW - MAX_SUBMISSION_AGE_MS - 1 }, /within the last day/],
    ['the second event bad', { events: [{ type: 'sign_in.succeeded' }, { type: 'nope' }] }, /events\[1\]\.type/],
  ])('refuses %s with invalid_request', (_case, body, message) => {
    expect(() => readAuditSubmissions(body, NOW)).toThrow(InvalidRequest);
    expect(() => readAuditSubmissions(body, NOW)).toThrow(message);
  });

  it('accepts exactly 100 events', () => {
    expect(readAuditSubmissions({ events: many(100) }, NOW)).toHaveLength(100);
  });
});
