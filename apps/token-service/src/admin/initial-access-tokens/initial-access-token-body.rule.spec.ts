import { AdminApiException } from '../admin-api-error';
import { readNewInitialAccessToken } from './initial-access-token-body.rule';

describe('readNewInitialAccessToken', () => {
  it.each<[unknown, { expiresInSeconds: number; maxUses: number }]>([
    [undefined, { expiresInSeconds: 86_400, maxUses: 1 }],
    [{}, { expiresInSeconds: 86_400, maxUses: 1 }],
    [{ expires_in: 60, max_uses: 1000 }, { expiresInSeconds: 60, maxUses: 1000 }],
    [{ expires_in: 2_592_000, max_uses: 1 }, { expiresInSeconds: 2_592_000, maxUses: 1 }],
  ])('reads %j', (body, expected) => {
    expect(readNewInitialAccessToken(body)).toEqual(expected);
  });

  it.each<[unknown, string[]]>([
    [{ expires_in: 59 }, ['expires_in']],
    [{ expires_in: 2_592_001 }, ['expires_in']],
    [{ expires_in: '3600' }, ['expires_in']],
    [{ max_uses: 0 }, ['max_uses']],
    [{ max_uses: 1001 }, ['max_uses']],
    [{ max_uses: 2.5, expires_in: null }, ['max_uses', 'expires_in']],
    [{ uses: 3 }, ['uses']],
    [[], ['body']],
  ])('refuses %j', (body, fields) => {
    try {
      readNewInitialAccessToken(body);
      throw new Error('not refused');
    } catch (err) {
      expect(err).toBeInstanceOf(AdminApiException);
      expect((err as AdminApiException).toJSON().fields!.map((f) => f.path).sort()).toEqual([...fields].sort());
    }
  });
});
