import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { CONSOLE_CLIENT_ID, consoleClientSecret } from '@tessera/contracts';
import { isRpError, JwksCache } from '@tessera/rp';
import { compactVerify, JWTPayload, ProtectedHeaderParameters } from 'jose';
import { LOGIN_UI_CONFIG, LoginUiConfig } from '../config/login-ui.config';
import { issuerFetch } from '../token-service/issuer-fetch';
import { decodeToken, describeExpiry, Expiry } from './token-inspection.rule';

const TIMEOUT_MS = 5_000;

/** What the inspector found out about a token; shown, escaped, on the inspector page. */
export type Inspection =
  | { ok: false; problem: string }
  | {
    ok: true;
    kind: string;
    header: ProtectedHeaderParameters;
    claims: JWTPayload;
    /** Verified: with which published key. */
    signature: { verified: true; kid: string } | { verified: false; reason: string };
    /** `iss` is this issuer. */
    issuerMatches: boolean;
    expiry: Expiry;
    revocation: { state: 'active' | 'revoked' | 'not-applicable' | 'unknown'; text: string };
  };

/**
 * The token inspector (issue 7), on the server: the token is decoded here and checked against the
 * issuer's published keys (libs/rp's JWKS cache: RS256 only, the key by `kid`, never from `jku`,
 * `x5u`, `jwk` or `x5c`), and whether Tessera still accepts it is asked of its own introspection
 * endpoint (RFC 7662) as the console's client — which sees a revocation at once, where the status
 * list would lag by up to its ttl. The token goes nowhere but Tessera, and is never logged.
 */
@Injectable()
export class TokenInspector implements OnModuleDestroy {
  private readonly logger = new Logger('TokenInspector');
  private readonly keys: JwksCache;
  private readonly clientAuthorization: string;
  private readonly fetch: typeof globalThis.fetch;

  constructor(@Inject(LOGIN_UI_CONFIG) private readonly config: Pick<LoginUiConfig, 'issuer' | 'issuerInternalUrl' | 'internalApiSecret'>) {
    this.fetch = issuerFetch(config);
    // A key rotated or revoked a moment ago must show at once: little caching, a short cooldown.
    this.keys = new JwksCache({
      issuer: config.issuer, fetch: this.fetch, maxMaxAgeSeconds: 30, minMaxAgeSeconds: 1, unknownKidCooldownSeconds: 1, maxStaleSeconds: 0,
    });
    // RFC 6749 §2.3.1: each part form-urlencoded before base64.
    const credentials = `${encodeURIComponent(CONSOLE_CLIENT_ID)}:${encodeURIComponent(consoleClientSecret(config.internalApiSecret))}`;
    this.clientAuthorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }

  onModuleDestroy(): void {
    this.keys.close();
  }

  async inspect(input: string, now = Date.now()): Promise<Inspection> {
    const decoded = decodeToken(input);
    if (!decoded.ok) return decoded;
    const token = input.trim();
    const signature = await this.verifySignature(token, decoded.header);
    const expiry = describeExpiry(decoded.claims, now);
    return {
      ok: true,
      kind: decoded.kind,
      header: decoded.header,
      claims: decoded.claims,
      signature,
      issuerMatches: decoded.claims.iss === this.config.issuer,
      expiry,
      revocation: await this.revocation(token, decoded.kind, signature.verified, expiry),
    };
  }

  private async verifySignature(token: string, header: ProtectedHeaderParameters): Promise<{ verified: true; kid: string } | { verified: false; reason: string }> {
    if (header.alg !== 'RS256') return { verified: false, reason: `Its algorithm is ${JSON.stringify(header.alg ?? null)}; Tessera signs with RS256 only.` };
    if (typeof header.kid !== 'string' || header.kid === '') return { verified: false, reason: 'It names no key (kid); every token of Tessera does.' };
    let key: Awaited<ReturnType<JwksCache['getKey']>>;
    try {
      key = await this.keys.getKey(header.kid);
    } catch (err) {
      if (isRpError(err) && err.code === 'ERR_TOKEN_KEY_UNKNOWN') {
        return { verified: false, reason: `No key with kid "${header.kid}" is published: it was never Tessera's, has been removed, or was revoked.` };
      }
      this.logger.warn(`the issuer's keys could not be read: ${isRpError(err) ? err.code : 'error'}`);
      return { verified: false, reason: 'The issuer\'s published keys could not be fetched just now; try again.' };
    }
    try {
      await compactVerify(token, key, { algorithms: ['RS256'] });
      return { verified: true, kid: header.kid };
    } catch {
      return { verified: false, reason: `The signature does not match the published key "${header.kid}": the token was altered or forged.` };
    }
  }

  private async revocation(token: string, kind: string, verified: boolean, expiry: Expiry): Promise<{ state: 'active' | 'revoked' | 'not-applicable' | 'unknown'; text: string }> {
    if (!verified) return { state: 'not-applicable', text: 'Not checked: Tessera does not accept a token whose signature does not verify.' };
    if (kind !== 'access token') return { state: 'not-applicable', text: `Not applicable: only access tokens are revoked (this is ${article(kind)}).` };
    if (expiry.state === 'expired') return { state: 'not-applicable', text: 'Not checked: the token has expired, so it is refused anyway.' };
    let res: globalThis.Response;
    try {
      res = await this.fetch(`${this.config.issuer}/oauth2/introspect`, {
        method: 'POST',
        headers: { authorization: this.clientAuthorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      this.logger.warn(`introspection failed: ${err instanceof Error ? err.name : 'error'}`);
      return { state: 'unknown', text: 'Unknown: Tessera\'s introspection endpoint could not be reached; try again.' };
    }
    const body = await res.json().catch(() => undefined) as { active?: unknown } | undefined;
    if (!res.ok || typeof body?.active !== 'boolean') {
      this.logger.warn(`introspection answered HTTP ${res.status}`);
      return { state: 'unknown', text: 'Unknown: Tessera\'s introspection endpoint did not answer as expected.' };
    }
    return body.active
      ? { state: 'active', text: 'Not revoked: Tessera accepts this token.' }
      : { state: 'revoked', text: 'Revoked: Tessera no longer accepts this token (it, its grant or its session was revoked).' };
  }
}

function article(kind: string): string {
  return /^[aeiouAEIOU]/.test(kind) ? `an ${kind}` : `a ${kind}`;
}
