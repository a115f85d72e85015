import { AppError } from '@waitlessq/errors';

/**
 * Input checks; each names the field it refuses. `undefined` means "not sent" (keep the stored
 * value); `null` or blank means "clear".
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

export function optionalText(field: string, value: string | null | undefined, max: number): string | null {
  const text = value?.trim();
  if (!text) return null;
  if (text.length > max) throw badInput(field, `must be at most ${max} characters`);
  return text;
}

export function optionalEmail(field: string, value: string | null | undefined): string | null {
  const text = optionalText(field, value, 254);
  if (text && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text)) throw badInput(field, 'must be an email address');
  return text?.toLowerCase() ?? null;
}

export function optionalPhone(field: string, value: string | null | undefined): string | null {
  const text = optionalText(field, value, 32);
  if (text && !/^\+?[0-9 ()\-.]{3,32}$/.test(text)) throw badInput(field, 'must be a phone number (digits, spaces, + ( ) - .)');
  return text;
}

/** Only http(s): these URLs end up in a page and a manifest, where javascript: or data: would be unsafe. */
export function optionalHttpUrl(field: string, value: string | null | undefined): string | null {
  const text = optionalText(field, value, 2048);
  if (!text) return null;
  let url: URL | null = null;
  try {
    url = new URL(text);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) throw badInput(field, 'must be an absolute http(s) URL');
  return url.toString();
}

export function intInRange(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw badInput(field, `must be a whole number from ${min} to ${max}`);
  return value;
}

export function hexColor(field: string, value: string): string {
  const text = value.trim().toLowerCase();
  if (!/^#[0-9a-f]{6}$/.test(text)) throw badInput(field, 'must be a colour as #rrggbb');
  return text;
}

/** "HH:MM" on a 24-hour clock. */
export function clockTime(field: string, value: string): string {
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(value)) throw badInput(field, 'must be a time as HH:MM from 00:00 to 23:59');
  return value;
}
