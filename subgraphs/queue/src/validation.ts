import { AppError } from '@waitlessq/errors';

const bad = (field: string, message: string) => new AppError('BAD_USER_INPUT', `${field} ${message}`, { field });

/** A trimmed, non-empty string of at most `max` characters. */
export function requireText(value: string | null | undefined, field: string, max: number): string {
  const text = value?.trim() ?? '';
  if (!text) throw bad(field, 'is required.');
  if (text.length > max) throw bad(field, `must be at most ${max} characters.`);
  return text;
}

/** Like requireText, but absent or blank gives null. */
export function optionalText(value: string | null | undefined, field: string, max: number): string | null {
  const text = value?.trim() ?? '';
  if (!text) return null;
  if (text.length > max) throw bad(field, `must be at most ${max} characters.`);
  return text;
}

export function requireIntIn(value: number, field: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw bad(field, `must be a whole number from ${min} to ${max}.`);
  return value;
}

/** Idempotency keys are opaque client strings; the length bound keeps the unique index small. */
export function optionalIdempotencyKey(value: string | null | undefined): string | null {
  return optionalText(value, 'idempotencyKey', 200);
}

export function badInput(field: string, message: string): AppError {
  return bad(field, message);
}

/** An email address as a person types it: one @, a dot in the domain, no spaces. */
export const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
