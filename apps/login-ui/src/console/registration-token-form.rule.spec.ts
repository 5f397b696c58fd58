import { readRegistrationTokenForm } from './registration-token-form.rule';

describe('readRegistrationTokenForm', () => {
  it.each<[Record<string, unknown>, { expires_in: number; max_uses: number } | undefined, string[]]>([
    [{ valid_hours: '24', max_uses: '1' }, { expires_in: 86_400, max_uses: 1 }, []],
    [{ valid_hours: ' 720 ', max_uses: '1000' }, { expires_in: 2_592_000, max_uses: 1000 }, []],
    [{ valid_hours: '1', max_uses: '5' }, { expires_in: 3600, max_uses: 5 }, []],
    [{ valid_hours: '0', max_uses: '1' }, undefined, ['valid_hours']],
    [{ valid_hours: '721', max_uses: '1001' }, undefined, ['max_uses', 'valid_hours']],
    [{ valid_hours: '1.5', max_uses: '-1' }, undefined, ['max_uses', 'valid_hours']],
    [{ valid_hours: '1e2', max_uses: '' }, undefined, ['max_uses', 'valid_hours']],
    [{}, undefined, ['max_uses', 'valid_hours']],
  ])('%j', (input, body, refused) => {
    const read = readRegistrationTokenForm(input);
    expect(read.body).toEqual(body);
    expect(Object.keys(read.problems).sort()).toEqual(refused);
  });
});
