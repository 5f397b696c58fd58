/**
 * Hostile JWTs presented to the three places Tessera reads one: the UserInfo endpoint (a bearer
 * access token, RFC 6750), token introspection (RFC 7662: anything not active is `{"active":false}`,
 * never an error) and RP-initiated logout (`id_token_hint`). Each row forges a token, and every row
 * runs against every surface. References: RFC 8725 (JWT BCP) §2–3, RFC 7515 §4.1 and §5.2,
 * RFC 9068 §4, OIDC Core §2 and §3.1.3.7, OpenID RP-Initiated Logout §2.
 */
import { createHash, createPrivateKey, generateKeyPairSync, KeyObject, randomBytes, X509Certificate } from 'node:crypto';
import * as oidc from 'openid-client';
import { Browser } from '../e2e/browser';
import { Provider, RegisteredClient, startProvider, TestUser } from '../e2e/harness';
import { authRequest, codeFlow, signIn } from '../e2e/sign-in';
import { ATTACKER_CERTIFICATE_PEM, ATTACKER_PRIVATE_KEY_PEM } from './support/attacker-certificate';
import { answerOf, CountingServer, countingServer, expectInertHtml, expectNoLeak } from './support/checks';
import {
  attackerRsaKey, b64url, compact, esSign, hmacSign, HmacAlg, issuerKey, IssuerKey, Json, publicKeyEncodings, rsaSign,
  RsaKeyPair, segment,
} from './support/jwt-forge';

// Hundreds of requests from one address in seconds: the per-IP limits (brute-force.e2e-spec.ts tests
// them) would answer 429 long before the input under test is looked at.
const NO_RATE_LIMITS = { RATE_LIMIT_ENABLED: 'false' };
const REDIRECT_URI = 'https://partner.example/callback';
const POST_LOGOUT_URI = 'https://partner.example/signed-out';

type Kind = 'access' | 'id';
type Surface = 'userinfo' | 'introspection' | 'logout';
/** refused: the surface's standard refusal; accepted: the control answer; too_large: refused before parsing (413/431). */
type Outcome = 'refused' | 'accepted' | 'too_large';

interface Genuine {
  token: string;
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

interface Ctx {
  provider: Provider;
  client: RegisteredClient;
  otherClient: RegisteredClient;
  issuer: IssuerKey;
  attacker: RsaKeyPair;
  attackerEc: KeyObject;
  attackerCert: { der: string; key: KeyObject; thumbprint: string };
  server: CountingServer;
  genuine: Record<Kind, Genuine>;
  now: () => number;
}

interface JwtCase {
  name: string;
  /** The token to present; `kind` is what the surface expects (access at userinfo/introspection, id at logout). */
  token: (ctx: Ctx, kind: Kind) => string;
  expect?: Outcome | Partial<Record<Surface, Outcome>>;
}

const otherKind = (kind: Kind): Kind => (kind === 'access' ? 'id' : 'access');
const TYP: Record<Kind, string> = { access: 'at+jwt', id: 'JWT' };

/** The genuine header and claims of `kind`, with `changes` applied (undefined removes a member). */
function header(ctx: Ctx, kind: Kind, changes: Record<string, unknown> = {}): Record<string, unknown> {
  return withChanges(ctx.genuine[kind].header, changes);
}
function claims(ctx: Ctx, kind: Kind, changes: Record<string, unknown> = {}): Record<string, unknown> {
  return withChanges(ctx.genuine[kind].payload, changes);
}
function withChanges(base: Record<string, unknown>, changes: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return out;
}

/** Signed by the issuer's real key: the signature is genuine, the claims or header are the attack. */
const byIssuer = (ctx: Ctx, h: Json, p: Json) => rsaSign(ctx.issuer.privateKey, 'RS256', h, p);
/** Signed by a key the issuer has never published. */
const byAttacker = (ctx: Ctx, h: Json, p: Json) => rsaSign(ctx.attacker.privateKey, 'RS256', h, p);
const parts = (token: string) => token.split('.') as [string, string, string];
/** JSON text of `obj` with `extra` appended as a repeated member (RFC 7515 §5.2 "lexically last"). */
const withDuplicate = (obj: Record<string, unknown>, extra: string) => `${JSON.stringify(obj).slice(0, -1)},${extra}}`;

function nested(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

const ENCODING_NAMES = [
  'SPKI PEM', 'SPKI PEM without the trailing newline', 'SPKI PEM without any newline', 'SPKI PEM with CRLF line ends', 'PKCS#1 PEM',
  'DER bytes', 'DER in base64', 'DER in base64url', 'the JWK as published', 'the JWK members in thumbprint order', 'the whole JWKS document',
  'the modulus n as bytes', 'the modulus n as its base64url text', 'the kid', 'an empty secret',
];

const CASES: JwtCase[] = [
  // Controls: the genuine token and tokens inside the allowed clock skew pass, so every refusal below is meaningful.
  { name: 'control: the genuine token', token: (c, k) => c.genuine[k].token, expect: 'accepted' },
  { name: 'control: exp 10 s ago, inside the 30 s clock skew', token: (c, k) => byIssuer(c, header(c, k), claims(c, k, { exp: c.now() - 10 })), expect: 'accepted' },
  { name: 'control: nbf 10 s ahead, inside the clock skew', token: (c, k) => byIssuer(c, header(c, k), claims(c, k, { nbf: c.now() + 10 })), expect: 'accepted' },

  // alg "none" (RFC 8725 §3.1, §2.1)
  ...['none', 'None', 'NONE', 'nOnE'].map((alg): JwtCase => ({
    name: `alg "${alg}" without a signature`,
    token: (c, k) => compact(header(c, k, { alg }), claims(c, k)),
  })),
  { name: 'alg "none" keeping the genuine signature', token: (c, k) => compact(header(c, k, { alg: 'none' }), claims(c, k), parts(c.genuine[k].token)[2]) },
  { name: 'alg "none" without kid', token: (c, k) => compact(header(c, k, { alg: 'none', kid: undefined }), claims(c, k)) },
  { name: 'alg missing from the header', token: (c, k) => byIssuer(c, header(c, k, { alg: undefined }), claims(c, k)) },

  // HMAC keyed with the issuer's public key, in every encoding (RFC 8725 §2.1 algorithm confusion).
  ...(['HS256'] as HmacAlg[]).flatMap((alg) => ENCODING_NAMES.map((encoding): JwtCase => ({
    name: `${alg} keyed with the public key as ${encoding}`,
    token: (c, k) => hmacSign(alg, secretNamed(c, encoding), header(c, k, { alg }), claims(c, k)),
  }))),
  ...(['HS384', 'HS512'] as HmacAlg[]).flatMap((alg) => ['SPKI PEM', 'DER bytes', 'the JWK as published'].map((encoding): JwtCase => ({
    name: `${alg} keyed with the public key as ${encoding}`,
    token: (c, k) => hmacSign(alg, secretNamed(c, encoding), header(c, k, { alg }), claims(c, k)),
  }))),

  // Other algorithms than the RS256 allow-list, even with the issuer's own key.
  ...(['RS384', 'RS512', 'PS256', 'PS512'] as const).map((alg): JwtCase => ({
    name: `${alg} signed by the issuer's own key`,
    token: (c, k) => rsaSign(c.issuer.privateKey, alg, header(c, k, { alg }), claims(c, k)),
  })),
  { name: 'ES256 by an attacker EC key under the issuer\'s kid', token: (c, k) => esSign(c.attackerEc, header(c, k, { alg: 'ES256' }), claims(c, k)) },
  { name: 'header says RS256, signature is RS512 by the issuer', token: (c, k) => {
    const [h, p] = parts(c.genuine[k].token);
    const rs512 = parts(rsaSign(c.issuer.privateKey, 'RS512', c.genuine[k].header, c.genuine[k].payload))[2];
    return `${h}.${p}.${rs512}`;
  } },

  // kid: unknown, hostile strings, wrong types (never a file, query or command; only a lookup among published keys).
  { name: 'unknown kid, signed by an unpublished key', token: (c, k) => byAttacker(c, header(c, k, { kid: b64url(randomBytes(32)) }), claims(c, k)) },
  { name: 'no kid, signed by an unpublished key', token: (c, k) => byAttacker(c, header(c, k, { kid: undefined }), claims(c, k)) },
  { name: 'no kid, signed by the issuer', token: (c, k) => byIssuer(c, header(c, k, { kid: undefined }), claims(c, k)) },
  { name: 'the issuer\'s kid, signed by an unpublished key', token: (c, k) => byAttacker(c, header(c, k), claims(c, k)) },
  { name: 'kid "../../etc/passwd"', token: (c, k) => byAttacker(c, header(c, k, { kid: '../../etc/passwd' }), claims(c, k)) },
  { name: 'kid "../../../../../../dev/null" with HS256 and an empty key', token: (c, k) => hmacSign('HS256', '', header(c, k, { alg: 'HS256', kid: '../../../../../../dev/null' }), claims(c, k)) },
  { name: 'kid "file:///etc/passwd"', token: (c, k) => byAttacker(c, header(c, k, { kid: 'file:///etc/passwd' }), claims(c, k)) },
  { name: 'kid "\' OR 1=1 --"', token: (c, k) => byAttacker(c, header(c, k, { kid: "' OR 1=1 --" }), claims(c, k)) },
  { name: 'kid with a UNION SELECT and HS256 keyed with its result', token: (c, k) => hmacSign('HS256', 'secret', header(c, k, { alg: 'HS256', kid: "x' UNION SELECT 'secret' --" }), claims(c, k)) },
  { name: 'kid "|cat /etc/passwd" (command injection)', token: (c, k) => byAttacker(c, header(c, k, { kid: '|cat /etc/passwd' }), claims(c, k)) },
  { name: 'kid with a null byte', token: (c, k) => byAttacker(c, header(c, k, { kid: 'key\u0000.pem' }), claims(c, k)) },
  { name: 'the issuer\'s kid followed by a null byte', token: (c, k) => byAttacker(c, header(c, k, { kid: `${c.issuer.kid}\u0000` }), claims(c, k)) },
  { name: 'a kid of 6,000 characters', token: (c, k) => byAttacker(c, header(c, k, { kid: 'k'.repeat(6000) }), claims(c, k)) },
  { name: 'kid as a number', token: (c, k) => byAttacker(c, header(c, k, { kid: 1 }), claims(c, k)) },
  { name: 'kid as an object', token: (c, k) => byAttacker(c, header(c, k, { kid: { $ne: null } }), claims(c, k)) },
  { name: 'kid "__proto__"', token: (c, k) => byAttacker(c, header(c, k, { kid: '__proto__' }), claims(c, k)) },

  // Keys offered by the token itself: never fetched, never trusted (RFC 8725 §3.10, RFC 7515 §4.1.2–4.1.6).
  { name: 'jku to the attacker\'s JWKS', token: (c, k) => byAttacker(c, header(c, k, { kid: 'attacker', jku: `${c.server.url}/jwks.json` }), claims(c, k)) },
  { name: 'jku to the attacker\'s JWKS under the issuer\'s kid', token: (c, k) => byAttacker(c, header(c, k, { jku: `${c.server.url}/jwks.json` }), claims(c, k)) },
  { name: 'x5u to the attacker\'s certificate', token: (c, k) => rsaSign(c.attackerCert.key, 'RS256', header(c, k, { kid: 'attacker', x5u: `${c.server.url}/cert.pem` }), claims(c, k)) },
  { name: 'embedded jwk of the attacker, no kid', token: (c, k) => byAttacker(c, header(c, k, { kid: undefined, jwk: c.attacker.publicJwk }), claims(c, k)) },
  { name: 'embedded jwk of the attacker under the issuer\'s kid', token: (c, k) => byAttacker(c, header(c, k, { jwk: { ...c.attacker.publicJwk, kid: c.issuer.kid } }), claims(c, k)) },
  { name: 'x5c with the attacker\'s self-signed certificate', token: (c, k) => rsaSign(c.attackerCert.key, 'RS256', header(c, k, { kid: undefined, x5c: [c.attackerCert.der] }), claims(c, k)) },
  { name: 'x5c and x5t#S256 of the attacker under the issuer\'s kid', token: (c, k) => rsaSign(c.attackerCert.key, 'RS256', header(c, k, { x5c: [c.attackerCert.der], 'x5t#S256': c.attackerCert.thumbprint }), claims(c, k)) },
  { name: 'jku, x5u, jwk and x5c all at once', token: (c, k) => byAttacker(c, header(c, k, {
    kid: 'attacker', jku: `${c.server.url}/jwks.json`, x5u: `${c.server.url}/cert.pem`, jwk: c.attacker.publicJwk, x5c: [c.attackerCert.der],
  }), claims(c, k)) },

  // crit: an extension the verifier does not understand makes the token invalid (RFC 7515 §4.1.11).
  { name: 'crit ["exp"] (a registered name)', token: (c, k) => byIssuer(c, header(c, k, { crit: ['exp'] }), claims(c, k)) },
  { name: 'crit naming an unknown extension', token: (c, k) => byIssuer(c, header(c, k, { crit: ['urn:example:must-understand'], 'urn:example:must-understand': true }), claims(c, k)) },
  { name: 'crit empty', token: (c, k) => byIssuer(c, header(c, k, { crit: [] }), claims(c, k)) },
  { name: 'crit not an array', token: (c, k) => byIssuer(c, header(c, k, { crit: 'exp' }), claims(c, k)) },
  { name: 'b64:false with crit ["b64"] (unencoded payload)', token: (c, k) => byIssuer(c, header(c, k, { b64: false, crit: ['b64'] }), claims(c, k)) },

  // Malformed compact serialisation (RFC 7515 §7.1: base64url without padding, exactly three parts).
  { name: 'padding "=" on the signature', token: (c, k) => `${c.genuine[k].token}==` },
  { name: 'the signature in base64 with "+" and "/"', token: (c, k) => {
    const [h, p, s] = parts(c.genuine[k].token);
    return `${h}.${p}.${Buffer.from(s, 'base64url').toString('base64').replace(/=+$/, '')}`;
  } },
  { name: 'padding "=" on the payload', token: (c, k) => {
    const [h, p, s] = parts(c.genuine[k].token);
    return `${h}.${p}=.${s}`;
  } },
  { name: 'a character outside base64url in the payload', token: (c, k) => {
    const [h, p, s] = parts(c.genuine[k].token);
    return `${h}.${p.slice(0, 10)}*${p.slice(11)}.${s}`;
  } },
  { name: 'the signature one character short', token: (c, k) => c.genuine[k].token.slice(0, -1) },
  { name: 'the signature one character long', token: (c, k) => `${c.genuine[k].token}A` },
  { name: 'an empty signature', token: (c, k) => `${parts(c.genuine[k].token).slice(0, 2).join('.')}.` },
  { name: 'a signature of zero bytes of the right length', token: (c, k) => `${parts(c.genuine[k].token).slice(0, 2).join('.')}.${b64url(Buffer.alloc(256))}` },
  { name: 'the signature of another genuine token', token: (c, k) => `${parts(c.genuine[k].token).slice(0, 2).join('.')}.${parts(c.genuine[otherKind(k)].token)[2]}` },
  { name: 'a header that is not JSON', token: (c, k) => `${b64url('not json')}.${parts(c.genuine[k].token)[1]}.${parts(c.genuine[k].token)[2]}` },
  { name: 'a header that is a JSON array', token: (c, k) => byIssuer(c, '[]', claims(c, k)) },
  { name: 'a payload that is not JSON, signed by the issuer', token: (c, k) => byIssuer(c, header(c, k), '{"sub":') },
  { name: 'a payload that is a JSON string, signed by the issuer', token: (c, k) => byIssuer(c, header(c, k), '"hello"') },
  { name: 'a payload that is JSON null, signed by the issuer', token: (c, k) => byIssuer(c, header(c, k), 'null') },

  // Segment counts: JWS compact is exactly three (RFC 7515 §7.1); five is JWE, which is not accepted here.
  { name: 'two dots and nothing else', token: () => '..' },
  { name: 'two segments (header.payload)', token: (c, k) => parts(c.genuine[k].token).slice(0, 2).join('.') },
  { name: 'four segments', token: (c, k) => `${c.genuine[k].token}.${parts(c.genuine[k].token)[2]}` },
  { name: 'five segments (JWE shape)', token: (c, k) => `${segment({ alg: 'RSA-OAEP', enc: 'A256GCM', kid: c.issuer.kid })}.${b64url(randomBytes(256))}.${b64url(randomBytes(12))}.${b64url(randomBytes(64))}.${b64url(randomBytes(16))}` },
  { name: 'six segments', token: (c, k) => `${c.genuine[k].token}.${c.genuine[k].token.split('.').slice(0, 2).join('.')}` },
  { name: 'one segment of random base64url', token: () => b64url(randomBytes(48)) },

  // Duplicate JSON members: the last one counts (RFC 7515 §5.2), so a hostile last value must lose.
  { name: 'duplicate alg in the header, the last "none"', token: (c, k) => compact(withDuplicate(header(c, k), '"alg":"none"'), claims(c, k)) },
  { name: 'duplicate alg in the header, the last HS256 keyed with the PEM', token: (c, k) => hmacSign('HS256', secretNamed(c, 'SPKI PEM'), withDuplicate(header(c, k), '"alg":"HS256"'), claims(c, k)) },
  { name: 'duplicate kid in the header, the last unknown (signed by the issuer)', token: (c, k) => byIssuer(c, withDuplicate(header(c, k), '"kid":"attacker"'), claims(c, k)) },
  { name: 'duplicate typ in the header, the last of the other kind (signed by the issuer)', token: (c, k) => byIssuer(c, withDuplicate(header(c, k), `"typ":"${TYP[otherKind(k)]}"`), claims(c, k)) },
  { name: 'duplicate iss in the payload, the last the attacker (signed by the issuer)', token: (c, k) => byIssuer(c, header(c, k), withDuplicate(claims(c, k), '"iss":"https://attacker.example"')) },
  { name: 'duplicate exp in the payload, the last a string (signed by the issuer)', token: (c, k) => byIssuer(c, header(c, k), withDuplicate(claims(c, k), '"exp":"9999999999"')) },

  // Size and depth: refused cheaply, and the parser survives.
  { name: 'a token of 100 KB', token: (c, k) => byAttacker(c, header(c, k), claims(c, k, { pad: 'x'.repeat(100 * 1024) })), expect: 'too_large' },
  { name: 'claims nested 5,000 arrays deep (signed by an unpublished key)', token: (c, k) => byAttacker(c, header(c, k), `{"deep":${nested(5000)}}`) },
  { name: 'a header nested 5,000 arrays deep (parsed before any key is chosen)', token: (c, k) => byAttacker(c, `{"alg":"RS256","kid":"${c.issuer.kid}","x":${nested(5000)}}`, claims(c, k)) },
  { name: '1,000 claims (signed by an unpublished key)', token: (c, k) => byAttacker(c, header(c, k), claims(c, k, Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`c${i}`, i])))) },

  // exp / nbf / iat, signed by the issuer (RFC 7519 §4.1.4–4.1.6; RFC 9068 §4; OIDC Core §3.1.3.7).
  { name: 'exp an hour ago', token: (c, k) => byIssuer(c, header(c, k), claims(c, k, { exp: c.now() - 3600 })), expect: { logout: 'accepted' } },
  { name: 'exp 60 s ago, outside the clock skew', token: (c, k) => byIssuer(c, header(c, k), claims(c, k, { exp: c.now() - 60 })), expect: { logout: 'accepted' } },
  { name: 'exp 0 (1970)', token: (c, k) => byIssuer(c, header(c, k), claims(c, k, { exp: 0 })), expect: { logout: 'accepted' } },
  { name: 'exp as a string', token: (c, k) => byIssuer(c, header(c, k), claims(c, k, { exp: String(c.now() + 3600) })) },
  { name: 'exp missing', token: (c, k) => byIssuer(c, header(c, k), claims(c, k, { exp: undefined })) },
  { name: 'exp 1e400 (parses as Infinity)', token: (c, k) => byIssuer(c, header(c, k), withDuplicate(claims(c, k, { exp: undefined }), '"exp":1e400')) },
  { name: 'nbf an hour ahead', token: (c, k) => byIssuer(c, header(c, k), claims(c, k, { nbf: c.now() + 3600 })) },
  { name: 'nbf 60 s ahead, outside the clock skew', token: (c, k) => byIssuer(c, header(c, k), claims(c, k, { nbf: c.now() + 60 })) },
  { name: 'nbf as a string', token: (c, k) => byIssuer(c, header(c, k), claims(c, k, { nbf: String(c.now()) })) },
  { name: 'iat as a string', token: (c, k) => byIssuer(c, header(c, k), claims(c, k, { iat: 'yesterday' })) },

  // iss must be the issuer identifier exactly (RFC 8725 §3.8, OIDC Core §3.1.3.7 step 2).
  { name: 'iss with a trailing slash', token: (c, k) => byIssuer(c, header(c, k), claims(c, k, { iss: `${c.provider.issuer}/` })) },
  { name: 'iss in upper case', token: (c, k) => byIssuer(c, header(c, k), claims(c, k, { iss: c.provider.issuer.toUpperCase() })) },
  { name: 'iss with https instead of http', token: (c, k) => byIssuer(c, header(c, k), claims(c, k, { iss: c.provider.issuer.replace(/^http:/, 'https:') })) },
  { name: 'iss on another port', token: (c, k) => byIssuer(c, header(c, k), claims(c, k, { iss: c.provider.issuer.replace(/:\d+$/, ':1') })) },
  { name: 'iss as localhost instead of 127.0.0.1', token: (c, k) => byIssuer(c, header(c, k), claims(c, k, { iss: c.provider.issuer.replace('127.0.0.1', 'localhost') })) },
  { name: 'iss with a trailing space', token: (c, k) => byIssuer(c, header(c, k), claims(c, k, { iss: `${c.provider.issuer} ` })) },
  { name: 'iss as an array holding the issuer', token: (c, k) => byIssuer(c, header(c, k), claims(c, k, { iss: [c.provider.issuer] })) },
  { name: 'iss missing', token: (c, k) => byIssuer(c, header(c, k), claims(c, k, { iss: undefined })) },
  { name: 'iss of another issuer', token: (c, k) => byIssuer(c, header(c, k), claims(c, k, { iss: 'https://attacker.example' })) },

  // typ keeps the two kinds of token apart (RFC 8725 §3.11, RFC 9068 §2.1).
  { name: 'typ of the other kind of token (signed by the issuer)', token: (c, k) => byIssuer(c, header(c, k, { typ: TYP[otherKind(k)] }), claims(c, k)) },
  { name: 'typ missing (signed by the issuer)', token: (c, k) => byIssuer(c, header(c, k, { typ: undefined }), claims(c, k)) },
  { name: 'typ "secevent+jwt" (signed by the issuer)', token: (c, k) => byIssuer(c, header(c, k, { typ: 'secevent+jwt' }), claims(c, k)) },
  { name: 'the genuine token of the other kind (ID token as access token, access token as id_token_hint)', token: (c, k) => c.genuine[otherKind(k)].token },

  // A key that is not (or no longer) in the JWKS: until key states exist (issue 4), an unpublished key shaped like ours.
  { name: 'signed by an unpublished key whose kid is its RFC 7638 thumbprint, like the issuer\'s', token: (c, k) => byAttacker(c, header(c, k, { kid: thumbprintKid(c.attacker) }), claims(c, k)) },
];


function secretNamed(ctx: Ctx, name: string): Buffer | string {
  const found = publicKeyEncodings(ctx.issuer).find((e) => e.name === name);
  if (!found) throw new Error(`no encoding named ${name}`);
  return found.secret;
}

function thumbprintKid(key: RsaKeyPair): string {
  const { e, kty, n } = key.publicJwk;
  return createHash('sha256').update(JSON.stringify({ e, kty, n })).digest('base64url');
}

function outcome(row: JwtCase, surface: Surface): Outcome {
  if (row.expect === undefined) return 'refused';
  if (typeof row.expect === 'string') return row.expect;
  return row.expect[surface] ?? 'refused';
}

describe('hostile JWTs at userinfo, introspection and logout', () => {
  const ctx = {} as Ctx;
  let user: TestUser;

  beforeAll(async () => {
    ctx.provider = await startProvider(NO_RATE_LIMITS);
    const provider = ctx.provider;
    ctx.client = await provider.registerClient({
      redirect_uris: [REDIRECT_URI], post_logout_redirect_uris: [POST_LOGOUT_URI], grant_types: ['authorization_code', 'refresh_token'],
    });
    ctx.otherClient = await provider.registerClient({ redirect_uris: [REDIRECT_URI], post_logout_redirect_uris: ['https://other.example/bye'] });
    user = await provider.createUser();
    const { tokens } = await codeFlow(new Browser(provider.origins), ctx.client, user);
    const decode = (token: string): Genuine => {
      const [h, p] = parts(token);
      return { token, header: JSON.parse(Buffer.from(h, 'base64url').toString()), payload: JSON.parse(Buffer.from(p, 'base64url').toString()) };
    };
    ctx.genuine = { access: decode(tokens.access_token), id: decode(tokens.id_token!) };
    ctx.issuer = await issuerKey(provider);
    ctx.attacker = attackerRsaKey();
    ctx.attackerEc = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const cert = new X509Certificate(ATTACKER_CERTIFICATE_PEM);
    ctx.attackerCert = {
      der: cert.raw.toString('base64'),
      key: createPrivateKey(ATTACKER_PRIVATE_KEY_PEM),
      thumbprint: b64url(createHash('sha256').update(cert.raw).digest()),
    };
    const attackerJwks = JSON.stringify({ keys: [{ ...ctx.attacker.publicJwk, kid: 'attacker', alg: 'RS256', use: 'sig' }, { ...ctx.attacker.publicJwk, kid: ctx.issuer.kid }] });
    ctx.server = await countingServer((req) => (req.url?.endsWith('.pem')
      ? { type: 'application/pkix-cert', text: ATTACKER_CERTIFICATE_PEM }
      : { type: 'application/json', text: attackerJwks }));
    ctx.now = () => Math.floor(Date.now() / 1000);
  });
  afterAll(async () => {
    await ctx.server?.close();
    await ctx.provider?.close();
  });

  const basic = () => `Basic ${Buffer.from(`${ctx.client.clientId}:${ctx.client.clientSecret}`).toString('base64')}`;

  describe('UserInfo (RFC 6750 §3.1: 401 invalid_token with WWW-Authenticate, no claims)', () => {
    it.each(CASES)('$name', async (row) => {
      const token = row.token(ctx, 'access');
      const answer = await answerOf(await fetch(`${ctx.provider.issuer}/oauth2/userinfo`, { headers: { authorization: `Bearer ${token}` } }));
      expect(ctx.server.requests).toEqual([]);
      expectNoLeak(answer.text);
      switch (outcome(row, 'userinfo')) {
        case 'accepted':
          expect(answer.status).toBe(200);
          expect(answer.json?.sub).toBe(ctx.genuine.access.payload.sub);
          return;
        case 'too_large':
          expect([413, 431]).toContain(answer.status);
          expect(answer.json?.sub).toBeUndefined();
          return;
        case 'refused':
          expect({ status: answer.status, error: answer.json?.error }).toEqual({ status: 401, error: 'invalid_token' });
          expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer realm="tessera", error="invalid_token"/);
          expect(answer.json?.sub).toBeUndefined();
          expect(answer.text).not.toContain(token.slice(0, 40));
      }
    });
  });

  describe('introspection (RFC 7662 §2.2: {"active":false}, never an error)', () => {
    it.each(CASES)('$name', async (row) => {
      const token = row.token(ctx, 'access');
      const answer = await answerOf(await fetch(`${ctx.provider.issuer}/oauth2/introspect`, {
        method: 'POST',
        headers: { authorization: basic(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }).toString(),
      }));
      expect(ctx.server.requests).toEqual([]);
      expectNoLeak(answer.text);
      switch (outcome(row, 'introspection')) {
        case 'accepted':
          expect(answer.status).toBe(200);
          expect(answer.json).toMatchObject({ active: true, sub: ctx.genuine.access.payload.sub });
          return;
        case 'too_large':
          expect({ status: answer.status, error: answer.json?.error }).toEqual({ status: 413, error: 'invalid_request' });
          return;
        case 'refused':
          expect(answer.status).toBe(200);
          expect(answer.json).toEqual({ active: false });
      }
    });
  });

  describe('RP-initiated logout id_token_hint (an error page, never the post_logout_redirect_uri)', () => {
    it.each(CASES)('$name', async (row) => {
      const token = row.token(ctx, 'id');
      const state = oidc.randomState();
      const url = new URL(`${ctx.provider.issuer}/oauth2/logout`);
      url.search = new URLSearchParams({ id_token_hint: token, post_logout_redirect_uri: POST_LOGOUT_URI, state }).toString();
      const page = await new Browser(ctx.provider.origins).get(url);
      expect(ctx.server.requests).toEqual([]);
      expectNoLeak(page.body);
      switch (outcome(row, 'logout')) {
        case 'accepted':
          expect(`${page.redirectedTo?.origin}${page.redirectedTo?.pathname}`).toBe(POST_LOGOUT_URI);
          expect(page.redirectedTo?.searchParams.get('state')).toBe(state);
          return;
        case 'too_large':
          expect(page.redirectedTo).toBeUndefined();
          expect([413, 414, 431]).toContain(page.status);
          return;
        case 'refused':
          expect(page.redirectedTo).toBeUndefined();
          expect(`${new URL(page.url).origin}${new URL(page.url).pathname}`).toBe(`${ctx.provider.loginUiUrl}/error`);
          expect(page.status).toBe(400);
          expect(page.document().querySelector('code')?.text).toBe('invalid_request');
          expectInertHtml(page.body, [token]);
          if (token.length > 8) expect(page.body).not.toContain(token.slice(0, 40));
      }
    });
  });
  /** id_token_hint identifies the client, whose registered post_logout_redirect_uri alone may be used (RP-Initiated Logout §2–3). */
  describe('id_token_hint audience: who asks to be returned where', () => {
    const hintCases: { name: string; aud: (c: Ctx) => unknown; clientId?: (c: Ctx) => string; expect: 'accepted' | 'refused' }[] = [
      { name: 'aud as a one-element array', aud: (c) => [c.client.clientId], expect: 'accepted' },
      { name: 'aud as an array naming this client and another, with client_id', aud: (c) => [c.client.clientId, c.otherClient.clientId], clientId: (c) => c.client.clientId, expect: 'accepted' },
      { name: 'aud as an array naming this client and another, without client_id', aud: (c) => [c.client.clientId, c.otherClient.clientId], expect: 'refused' },
      { name: 'aud naming another client, whose URIs differ', aud: (c) => c.otherClient.clientId, expect: 'refused' },
      { name: 'aud naming another client, client_id naming this one', aud: (c) => c.otherClient.clientId, clientId: (c) => c.client.clientId, expect: 'refused' },
      { name: 'aud naming this client, client_id naming another', aud: (c) => c.client.clientId, clientId: (c) => c.otherClient.clientId, expect: 'refused' },
      { name: 'aud missing', aud: () => undefined, expect: 'refused' },
      { name: 'aud an empty array', aud: () => [], expect: 'refused' },
      { name: 'aud a number', aud: () => 42, expect: 'refused' },
      { name: 'aud a number, with client_id', aud: () => 42, clientId: (c) => c.client.clientId, expect: 'refused' },
      { name: 'aud an object, with client_id', aud: (c) => ({ [c.client.clientId]: true }), clientId: (c) => c.client.clientId, expect: 'refused' },
      { name: 'aud an unknown client id', aud: () => 'no-such-client', expect: 'refused' },
      { name: 'aud in another case than the client id', aud: (c) => c.client.clientId.toUpperCase() === c.client.clientId ? c.client.clientId.toLowerCase() : c.client.clientId.toUpperCase(), expect: 'refused' },
    ];

    it.each(hintCases)('$name', async (row) => {
      const hint = byIssuer(ctx, header(ctx, 'id'), claims(ctx, 'id', { aud: row.aud(ctx) }));
      const url = new URL(`${ctx.provider.issuer}/oauth2/logout`);
      url.search = new URLSearchParams({
        id_token_hint: hint, post_logout_redirect_uri: POST_LOGOUT_URI, state: 'abc',
        ...(row.clientId ? { client_id: row.clientId(ctx) } : {}),
      }).toString();
      const page = await new Browser(ctx.provider.origins).get(url);
      expectNoLeak(page.body);
      if (row.expect === 'accepted') {
        expect(`${page.redirectedTo?.origin}${page.redirectedTo?.pathname}`).toBe(POST_LOGOUT_URI);
      } else {
        expect(page.redirectedTo).toBeUndefined();
        expect(page.status).toBe(400);
        expect(page.document().querySelector('code')?.text).toBe('invalid_request');
      }
    });
  });

  it('leaves the SSO session alone and asks nothing when a signed-in browser brings a forged id_token_hint', async () => {
    const browser = new Browser(ctx.provider.origins);
    await codeFlow(browser, ctx.client, user);
    const forged = compact(header(ctx, 'id', { alg: 'none' }), claims(ctx, 'id'));
    const url = new URL(`${ctx.provider.issuer}/oauth2/logout`);
    url.search = new URLSearchParams({ id_token_hint: forged, post_logout_redirect_uri: POST_LOGOUT_URI }).toString();
    const page = await browser.get(url);
    expect(page.redirectedTo).toBeUndefined();
    expect(page.status).toBe(400);
    expect(page.document().querySelector('form')).toBeNull(); // no "Sign out?" confirmation to click through
    const request = await authRequest(ctx.client, { prompt: 'none' });
    const again = await signIn(browser, request.url, undefined);
    expect(again.callback?.searchParams.get('code')).toBeTruthy();
  });

  it('answers a client\'s own access token (no person behind it) at userinfo with 403 insufficient_scope (RFC 6750 §3.1)', async () => {
    const machine = await ctx.provider.registerClient({ redirect_uris: [REDIRECT_URI], grant_types: ['client_credentials'] });
    const { access_token } = await oidc.clientCredentialsGrant(machine.config);
    const answer = await answerOf(await fetch(`${ctx.provider.issuer}/oauth2/userinfo`, { headers: { authorization: `Bearer ${access_token}` } }));
    expect({ status: answer.status, error: answer.json?.error }).toEqual({ status: 403, error: 'insufficient_scope' });
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer realm="tessera", error="insufficient_scope"/);
    expect(answer.json?.sub).toBeUndefined();
  });

  /** How the access token is presented (RFC 6750 §2): one method, the Bearer scheme, one token. */
  describe('UserInfo: how the token is presented', () => {
    const genuine = () => ctx.genuine.access.token;
    const presentations: { name: string; init: () => RequestInit; expect: { status: number; error?: string } }[] = [
      { name: 'control: Authorization: Bearer', init: () => ({ headers: { authorization: `Bearer ${genuine()}` } }), expect: { status: 200 } },
      { name: 'control: the scheme in lower case (RFC 9110 §11.1)', init: () => ({ headers: { authorization: `bearer ${genuine()}` } }), expect: { status: 200 } },
      { name: 'control: access_token in a form body (RFC 6750 §2.2)', init: () => form({ access_token: genuine() }), expect: { status: 200 } },
      { name: 'no credentials at all (§3.1: a challenge without an error code)', init: () => ({}), expect: { status: 401 } },
      { name: 'scheme Basic', init: () => ({ headers: { authorization: `Basic ${genuine()}` } }), expect: { status: 401, error: 'invalid_token' } },
      { name: 'scheme Token', init: () => ({ headers: { authorization: `Token ${genuine()}` } }), expect: { status: 401, error: 'invalid_token' } },
      { name: 'Bearer without a token', init: () => ({ headers: { authorization: 'Bearer' } }), expect: { status: 401, error: 'invalid_token' } },
      { name: 'two tokens in one header', init: () => ({ headers: { authorization: `Bearer ${genuine()} ${genuine()}` } }), expect: { status: 401, error: 'invalid_token' } },
      { name: 'two Bearer credentials joined by a comma', init: () => ({ headers: { authorization: `Bearer ${genuine()}, Bearer ${genuine()}` } }), expect: { status: 401, error: 'invalid_token' } },
      { name: 'the header and the form body at once (§2: one method only)', init: () => ({ ...form({ access_token: genuine() }), headers: { authorization: `Bearer ${genuine()}`, 'content-type': 'application/x-www-form-urlencoded' } }), expect: { status: 400, error: 'invalid_request' } },
      { name: 'access_token twice in the form body', init: () => ({ ...form({}), body: `access_token=${genuine()}&access_token=${genuine()}` }), expect: { status: 400, error: 'invalid_request' } },
      { name: 'access_token in the query string (§2.3 is not supported: nothing is read from the URL)', init: () => ({ query: { access_token: genuine() } }) as RequestInit, expect: { status: 401 } },
    ];

    function form(params: Record<string, string>): RequestInit {
      return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() };
    }

    it.each(presentations)('$name', async (row) => {
      const init = row.init() as RequestInit & { query?: Record<string, string> };
      const url = new URL(`${ctx.provider.issuer}/oauth2/userinfo`);
      if (init.query) url.search = new URLSearchParams(init.query).toString();
      const answer = await answerOf(await fetch(url, init));
      expectNoLeak(answer.text);
      expect(answer.status).toBe(row.expect.status);
      if (row.expect.status === 200) {
        expect(answer.json?.sub).toBe(ctx.genuine.access.payload.sub);
        return;
      }
      expect(answer.json?.sub).toBeUndefined();
      expect(answer.json?.error).toBe(row.expect.error);
      if (row.expect.status === 401) {
        expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer realm="tessera"/);
        if (!row.expect.error) expect(answer.headers.get('www-authenticate')).not.toMatch(/error=/);
      }
    });
  });
});
