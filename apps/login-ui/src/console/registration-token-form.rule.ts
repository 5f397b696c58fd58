/** The form that makes an initial access token, as typed. */
export interface RegistrationTokenForm {
  valid_hours: string;
  max_uses: string;
}

export const DEFAULT_REGISTRATION_TOKEN_FORM: RegistrationTokenForm = { valid_hours: '24', max_uses: '1' };

// contracts AdminInitialAccessToken: expires_in 60–2592000 s (up to 30 days), max_uses 1–1000.
const HOURS = { min: 1, max: 720 };
const USES = { min: 1, max: 1000 };

/**
 * The form read into the admin API's body (`POST /initial-access-tokens`), or the refused fields by
 * name. Whole numbers only, in the API's ranges, so a refusal is explained next to the field.
 */
export function readRegistrationTokenForm(body: Record<string, unknown>):
  { form: RegistrationTokenForm; body?: { expires_in: number; max_uses: number }; problems: Record<string, string> } {
  const form = {
    valid_hours: typeof body.valid_hours === 'string' ? body.valid_hours.trim() : '',
    max_uses: typeof body.max_uses === 'string' ? body.max_uses.trim() : '',
  };
  const problems: Record<string, string> = {};
  const hours = wholeNumber(form.valid_hours, HOURS);
  if (hours === undefined) problems.valid_hours = `A whole number of hours from ${HOURS.min} to ${HOURS.max}.`;
  const uses = wholeNumber(form.max_uses, USES);
  if (uses === undefined) problems.max_uses = `A whole number from ${USES.min} to ${USES.max}.`;
  if (hours === undefined || uses === undefined) return { form, problems };
  return { form, body: { expires_in: hours * 3600, max_uses: uses }, problems };
}

function wholeNumber(value: string, range: { min: number; max: number }): number | undefined {
  if (!/^\d{1,4}$/.test(value)) return undefined;
  const number = Number(value);
  return number >= range.min && number <= range.max ? number : undefined;
}
