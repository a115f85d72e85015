import { z } from 'zod';

/**
 * The field rules every subgraph checks its inputs with. Each trims and normalises what it
 * accepts; its messages complete "<field> ..." (see parse). Optional rules keep one meaning
 * everywhere: `undefined` is "not sent" (keep the stored value), `null` or blank is "clear".
 */

/** `undefined` stays undefined (not sent); `null` or a blank string becomes null (clear). */
export function optional<S extends z.ZodType>(rule: S) {
  return z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? null : value), rule.nullish());
}

/** A trimmed, non-empty string of at most `max` characters. */
export const text = (max: number) => z.string({ error: 'is required' }).trim().min(1, 'is required').max(max, `must be at most ${max} characters`);

export const optionalText = (max: number) => optional(text(max));

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Emails are compared case-insensitively: stored trimmed and in lower case. */
export const email = () =>
  z
    .string({ error: 'is required' })
    .trim()
    .toLowerCase()
    .min(1, 'is required')
    .max(254, 'must be at most 254 characters')
    .regex(emailPattern, 'must be an email address');

export const optionalEmail = () => optional(email());

const phoneCharacters = /^\+?[0-9 ()\-./]+$/;
const e164 = /^\+[1-9][0-9]{6,14}$/;
/**
 * A phone number as people type it (digits, spaces, + ( ) - . /), with its country code (a
 * leading + or 00), stored in E.164: "+49 (30) 123-4567" -> "+49301234567". `asTyped` keeps
 * the trimmed text once it passed the same check (customer accounts store it so, see the user
 * subgraph).
 */
export const phone = ({ asTyped = false } = {}) =>
  text(32).transform((value, ctx) => {
    const international = value.startsWith('00') ? `+${value.slice(2)}` : value;
    const normalised = phoneCharacters.test(international) ? international.replace(/[^0-9+]/g, '') : '';
    if (!e164.test(normalised)) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be a phone number with its country code, such as +49 30 1234567 (7 to 15 digits; spaces and ( ) - . / allowed)',
      });
      return z.NEVER;
    }
    return asTyped ? value : normalised;
  });

export const optionalPhone = (options?: { asTyped?: boolean }) => optional(phone(options));

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids are UUID columns: anything else would make PostgreSQL fail the whole statement. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && uuidPattern.test(value);
}

export const id = () => z.string({ error: 'is required' }).refine(isUuid, 'is not a valid id');

/** A colour as #rrggbb, stored in lower case. */
export const hexColor = () =>
  z
    .string({ error: 'is required' })
    .trim()
    .toLowerCase()
    .regex(/^#[0-9a-f]{6}$/, 'must be a colour as #rrggbb');

/** "HH:MM" on a 24-hour clock. */
export const clockTime = () => z.string({ error: 'is required' }).regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time as HH:MM from 00:00 to 23:59');

/** An IANA zone as Intl knows it, returned in its canonical spelling (europe/berlin -> Europe/Berlin). */
export const timeZone = () =>
  text(64).transform((value, ctx) => {
    try {
      return new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
    } catch {
      ctx.addIssue({ code: 'custom', message: `must be an IANA time zone such as Europe/Berlin (got "${value}")` });
      return z.NEVER;
    }
  });

/** Only http(s): these URLs end up in pages, manifests and requests, where javascript: or data: would be unsafe. */
export const httpUrl = (max = 2048) =>
  text(max).transform((value, ctx) => {
    const url = URL.canParse(value) ? new URL(value) : null;
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      ctx.addIssue({ code: 'custom', message: 'must be an absolute http(s) URL' });
      return z.NEVER;
    }
    return url.toString();
  });

export const optionalHttpUrl = (max = 2048) => optional(httpUrl(max));

const wholeNumbers = new Map<string, z.ZodNumber>();

/**
 * Built once per range: resolvers check their arguments with it on every request, and building
 * a zod schema costs more than parsing with it. Schemas are immutable, so one serves all; the
 * ranges are constants of the code, so the map stays small.
 */
export const wholeNumber = (min: number, max: number): z.ZodNumber => {
  const key = `${min}:${max}`;
  let rule = wholeNumbers.get(key);
  if (!rule) {
    const message = `must be a whole number from ${min} to ${max}`;
    rule = z.number({ error: message }).int(message).min(min, message).max(max, message);
    wholeNumbers.set(key, rule);
  }
  return rule;
};

/** Idempotency keys are opaque client strings (kept as sent); the length bound keeps the unique index small. Absent is null. */
const idempotencyKeyRule = z
  .string()
  .min(1, 'must be 1 to 200 characters long')
  .max(200, 'must be 1 to 200 characters long')
  .nullish()
  .transform((value) => value ?? null);

/** One schema for every call (mutations check their key on every request; see wholeNumber). */
export const idempotencyKey = () => idempotencyKeyRule;

const slugPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/**
 * A business's address name, like "city-clinic". PWA addresses take a slug or an id in the
 * same place, so a slug shaped like an id is refused.
 */
export const slug = () =>
  z
    .string({ error: 'is required' })
    .trim()
    .toLowerCase()
    .refine(
      (value) => value.length >= 2 && value.length <= 63 && slugPattern.test(value),
      'must be 2 to 63 lower-case letters, digits and single hyphens, like "city-clinic"',
    )
    .refine((value) => !isUuid(value), 'must not look like an id');

export const passwordMinLength = 10;
/** Long enough for any passphrase, short enough that hashing it is no denial of service. */
export const passwordMaxLength = 256;
/** Kept exactly as typed: spaces are part of a passphrase. */
export const password = () =>
  z
    .string({ error: 'is required' })
    .min(passwordMinLength, `must be at least ${passwordMinLength} characters long`)
    .max(passwordMaxLength, `must be at most ${passwordMaxLength} characters long`);
