import { createHmac } from 'node:crypto';
import { ADMIN_SCOPE } from './admin-api';

/**
 * The admin console (`{LOGIN_UI_URL}/admin`) signs in through Tessera itself, as a first-party
 * confidential client that the token service ensures at start-up. Both apps derive its secret from
 * INTERNAL_API_SECRET, which they already share, so it needs no variable of its own; whoever holds
 * that secret can accept any sign-in over the internal API anyway, so it grants nothing more.
 */
export const CONSOLE_CLIENT_ID = 'tessera-console';
export const CONSOLE_CLIENT_NAME = 'Tessera admin console';
export const CONSOLE_SCOPE = `openid profile ${ADMIN_SCOPE}`;

// Domain separation: the derived value is never the internal API secret itself, nor any other secret made from it.
const SECRET_LABEL = 'tessera console client secret v1';

/**
 * The console client's secret: HMAC-SHA256(INTERNAL_API_SECRET, a fixed label), base64url.
 *
 * @example
 * consoleClientSecret(config.internalApiSecret) // 43 characters, the same in both apps
 */
export function consoleClientSecret(internalApiSecret: string): string {
  return createHmac('sha256', internalApiSecret).update(SECRET_LABEL).digest('base64url');
}

/**
 * Where the console's sign-in and sign-out come back to, under the login UI's public URL.
 *
 * @example
 * consoleUris('http://localhost:3001') // { redirectUri: 'http://localhost:3001/admin/callback', postLogoutRedirectUri: '…/admin/signed-out' }
 */
export function consoleUris(loginUiUrl: string): { redirectUri: string; postLogoutRedirectUri: string } {
  return { redirectUri: `${loginUiUrl}/admin/callback`, postLogoutRedirectUri: `${loginUiUrl}/admin/signed-out` };
}
