import { AppError } from '@waitlessq/errors';

/**
 * Input checks shared by the features. Each names the field it refuses, so a client can point
 * at it. `undefined` means "not sent" (keep the stored value); `null` or blank means "clear".
 */
export function badInput(field: string, problem: string): AppError {
  return new AppError('BAD_USER_INPUT', `${field} ${problem}.`, { field });
}

export function requiredText(field: string, value: string | null | undefined, max: number): string {
  const text = value?.trim();
  if (!text) throw badInput(field, 'is required');
  if (text.length > max) throw badInput(field, `must be at most ${max} characters`);
  return text;
}

export function optionalText(field: string, value: string | null | undefined, max: number): string | null | undefined {
  if (value === undefined) return undefined;
  const text = value?.trim();
  if (!text) return null;
  if (text.length > max) throw badInput(field, `must be at most ${max} characters`);
  return text;
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export function optionalEmail(field: string, value: string | null | undefined): string | null | undefined {
  const text = optionalText(field, value, 254);
  if (text && !emailPattern.test(text)) throw badInput(field, 'must be an email address');
  return text?.toLowerCase() ?? text;
}

const phonePattern = /^\+?[0-9 ()\-.]{3,32}$/;
export function optionalPhone(field: string, value: string | null | undefined): string | null | undefined {
  const text = optionalText(field, value, 32);
  if (text && !phonePattern.test(text)) throw badInput(field, 'must be a phone number (digits, spaces, + ( ) - .)');
  return text;
}

export function optionalHttpUrl(field: string, value: string | null | undefined): string | null | undefined {
  const text = optionalText(field, value, 2048);
  if (!text) return text;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badInput(field, 'must be an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw badInput(field, 'must be an absolute http(s) URL');
  return url.toString();
}

export function intInRange(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw badInput(field, `must be a whole number from ${min} to ${max}`);
  return value;
}

export function optionalIntInRange(field: string, value: number | null | undefined, min: number, max: number): number | null | undefined {
  if (value === undefined || value === null) return value;
  return intInRange(field, value, min, max);
}

/** An IANA zone as Intl knows it, returned in its canonical spelling (europe/berlin -> Europe/Berlin). */
export function timezone(field: string, value: string | null | undefined): string {
  const text = requiredText(field, value, 64);
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: text }).resolvedOptions().timeZone;
  } catch {
    throw badInput(field, `must be an IANA time zone such as Europe/Berlin (got "${text}")`);
  }
}

/** Drops the keys whose value is undefined, so Prisma leaves those columns as they are. */
export function definedOnly<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
