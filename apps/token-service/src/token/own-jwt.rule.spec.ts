import { audienceOf, hasFiniteExpiry, isStrictCompactJws } from './own-jwt.rule';

describe('own JWT rules', () => {
  const part = 'eyJhbGciOiJSUzI1NiJ9';
  it.each([
    [`${part}.${part}.c2ln`, true],
    [`${part}.${part}.c2ln-_`, true],
    [`${part}.${part}.c2ln==`, false], // padding (RFC 7515 §2)
    [`${part}.${part}.c2l+/w`, false], // the base64 alphabet
    [`${part}.${part}.`, false], // no signature
    [`${part}.${part}`, false],
    [`${part}.${part}.c2ln.c2ln`, false],
    [`${part}.${part}.c2ln `, false],
    ['..', false],
  ])('isStrictCompactJws(%p) is %p', (token, strict) => {
    expect(isStrictCompactJws(token)).toBe(strict);
  });

  it.each([
    [{ exp: 1_900_000_000 }, true],
    [{ exp: 0 }, true], // expired, but finite: the expiry check is the verifier's
    [{}, false],
    [{ exp: Infinity }, false],
    [{ exp: NaN }, false],
    [{ exp: '1900000000' }, false],
  ])('hasFiniteExpiry(%p) is %p', (payload, finite) => {
    expect(hasFiniteExpiry(payload as never)).toBe(finite);
  });

  it.each([
    [{ aud: 'client' }, ['client']],
    [{ aud: ['a', 'b'] }, ['a', 'b']],
    [{ aud: [] }, []],
    [{}, undefined],
    [{ aud: 42 }, undefined],
    [{ aud: ['a', 1] }, undefined],
    [{ aud: { client: true } }, undefined],
  ])('audienceOf(%p) is %p', (payload, audience) => {
    expect(audienceOf(payload as never)).toEqual(audience);
  });
});
