import { InvalidRequest } from '@tessera/contracts';

/**
 * Reads one protocol parameter. Parameters MUST NOT be included more than once (RFC 6749 §3.1,
 * §3.2); the parsers keep repeats as arrays so they can be refused here. Empty means absent
 * (RFC 6749 §3.1: "Parameters sent without a value MUST be treated as if they were omitted").
 */
export function singleParam(params: Record<string, unknown>, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new InvalidRequest(`${name} must be given once, as a string`);
  return value;
}

export function requiredParam(params: Record<string, unknown>, name: string): string {
  const value = singleParam(params, name);
  if (value === undefined) throw new InvalidRequest(`${name} is required`);
  return value;
}

export function boundedParam(params: Record<string, unknown>, name: string, maxLength: number): string | undefined {
  const value = singleParam(params, name);
  if (value !== undefined && value.length > maxLength) throw new InvalidRequest(`${name} is longer than ${maxLength} characters`);
  return value;
}
