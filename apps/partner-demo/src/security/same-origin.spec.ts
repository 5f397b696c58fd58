import { isSameOriginRequest } from './same-origin';

const OWN = 'https://demo.example';

describe('isSameOriginRequest', () => {
  it.each([
    ['our Origin', { origin: OWN }, true],
    ['no Origin but our Referer', { referer: `${OWN}/me` }, true],
    ['another Origin', { origin: 'https://attacker.example' }, false],
    ['another Origin, whatever the Referer says', { origin: 'https://attacker.example', referer: `${OWN}/me` }, false],
    ['the opaque Origin "null" (sandboxed frame, privacy mode)', { origin: 'null' }, false],
    ['a look-alike host', { origin: 'https://demo.example.attacker.example' }, false],
    ['our host on another port', { origin: 'https://demo.example:8443' }, false],
    ['another Referer', { referer: 'https://attacker.example/demo.example' }, false],
    ['an unparseable Referer', { referer: 'not a url' }, false],
    ['neither header', {}, false],
  ])('%s → %p', (_case, headers, expected) => {
    expect(isSameOriginRequest(headers, OWN)).toBe(expected);
  });
});
