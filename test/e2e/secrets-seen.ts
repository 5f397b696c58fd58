/**
 * Every secret that crossed the wire during a suite — service secrets, passwords, codes, tokens,
 * cookies — kept by name, so that whatever the provider wrote down (logs, the audit table) can be
 * searched for all of them at the end.
 */
import type * as oidc from 'openid-client';
import type { Browser } from './browser';
import type { Provider } from './harness';

export class SecretsSeen {
  private readonly values = new Map<string, string>();

  /** Values too short to be a credential (or absent) are not kept: they would match by chance. */
  keep(what: string, value: unknown): void {
    if (typeof value === 'string' && value.length >= 8) this.values.set(`${what} ${this.values.size}`, value);
  }

  /** The secrets both apps were configured with. */
  keepServiceSecrets(provider: Provider): void {
    for (const name of ['INTERNAL_API_SECRET', 'LOGIN_UI_SECRET', 'KEY_ENCRYPTION_SECRET', 'INITIAL_ACCESS_TOKEN']) this.keep(name, provider.env[name]);
  }

  keepTokens(what: string, tokens: oidc.TokenEndpointResponse): void {
    this.keep(`${what} access token`, tokens.access_token);
    this.keep(`${what} ID token`, tokens.id_token);
    this.keep(`${what} refresh token`, tokens.refresh_token);
  }

  /** The browser's cookies on the issuer and the login UI. */
  keepCookies(browser: Browser, provider: Provider): void {
    for (const cookie of [provider.issuer, provider.loginUiUrl].flatMap((origin) => browser.cookiesFor(origin))) this.keep(`cookie ${cookie.name}`, cookie.value);
  }

  get size(): number {
    return this.values.size;
  }

  /** The names of the kept secrets that occur in `text`. */
  foundIn(text: string): string[] {
    return [...this.values].filter(([, value]) => text.includes(value)).map(([what]) => what);
  }
}
