import { AppError } from '@waitlessq/errors';

/**
 * Input checks shared by the features. Each returns the normalised value or throws
 * BAD_USER_INPUT naming the field (in the message and in `extensions.field`), before anything
 * is written.
 */
function invalid(field: string, problem: string): AppError {
  return new AppError('BAD_USER_INPUT', `${field} ${problem}.`, { field });
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const slugPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const phonePattern = /^\+?[0-9][0-9 ()./-]{3,22}[0-9]$/;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const passwordMinLength = 10;
/** Long enough for any passphrase, short enough that hashing it is no denial of service. */
export const passwordMaxLength = 256;

/** Emails are compared case-insensitively: stored trimmed and in lower case. */
export function validEmail(value: string, field = 'email'): string {
  const email = value.trim().toLowerCase();
  if (email.length > 254 || !emailPattern.test(email)) throw invalid(field, 'must be a valid email address');
  return email;
}

export function validPassword(value: string, field = 'password'): string {
  if (value.length < passwordMinLength) throw invalid(field, `must be at least ${passwordMinLength} characters long`);
  if (value.length > passwordMaxLength) throw invalid(field, `must be at most ${passwordMaxLength} characters long`);
  return value;
}

export function validName(value: string, field = 'name', maxLength = 100): string {
  const name = value.trim();
  if (name.length === 0) throw invalid(field, 'must not be empty');
  if (name.length > maxLength) throw invalid(field, `must be at most ${maxLength} characters long`);
  return name;
}

/** The business subgraph's rule for slugs, checked here to name the field the client sent. */
export function validSlug(value: string, field = 'slug'): string {
  const slug = value.trim().toLowerCase();
  if (slug.length < 2 || slug.length > 63 || !slugPattern.test(slug)) {
    throw invalid(field, 'must be 2 to 63 lower-case letters, digits and single hyphens, like "city-clinic"');
  }
  // PWA addresses take a slug or an id in the same place.
  if (isUuid(slug)) throw invalid(field, 'must not look like an id');
  return slug;
}

/** An optional phone number: null when absent or blank. */
export function validPhone(value: string | null | undefined, field = 'phone'): string | null {
  const phone = value?.trim();
  if (!phone) return null;
  if (!phonePattern.test(phone)) throw invalid(field, 'must be a phone number of 5 to 24 digits, spaces and + ( ) - . /');
  return phone;
}

/** An optional email: null when absent or blank. */
export function validOptionalEmail(value: string | null | undefined, field = 'email'): string | null {
  return value?.trim() ? validEmail(value, field) : null;
}

export function validIdempotencyKey(value: string | null | undefined, field = 'idempotencyKey'): string | null {
  if (value === null || value === undefined) return null;
  if (value.length === 0 || value.length > 200) throw invalid(field, 'must be 1 to 200 characters long');
  return value;
}

export function validId(value: string, field: string): string {
  if (!isUuid(value)) throw invalid(field, 'is not a valid id');
  return value;
}

/** Ids are UUID columns: anything else would make PostgreSQL fail the whole statement. */
export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}
