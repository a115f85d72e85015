import { parse, text, timeZone, wholeNumber, z } from '@waitlessq/validation';

/** What an organization's `settings` JSON holds, as the API shows it. */
export interface OrganizationSettings {
  timezone: string;
  language: string;
  dateFormat: string;
  dataRetentionDays: number;
}

export const defaultOrganizationSettings: Readonly<OrganizationSettings> = Object.freeze({
  timezone: 'UTC',
  language: 'en',
  dateFormat: 'yyyy-MM-dd',
  dataRetentionDays: 365,
});

/**
 * The JSON column may be empty or older than a setting: each setting falls back to its default
 * on its own, so one odd value never hides the others.
 */
export function readOrganizationSettings(json: unknown): OrganizationSettings {
  const stored = json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
  const text = (key: 'timezone' | 'language' | 'dateFormat') =>
    typeof stored[key] === 'string' && stored[key] !== '' ? (stored[key] as string) : defaultOrganizationSettings[key];
  const days = stored.dataRetentionDays;
  return {
    timezone: text('timezone'),
    language: text('language'),
    dateFormat: text('dateFormat'),
    dataRetentionDays: typeof days === 'number' && Number.isInteger(days) && days > 0 ? days : defaultOrganizationSettings.dataRetentionDays,
  };
}

/** What updateOrganizationSettings may change; a setting not sent (or null) keeps its value. */
export interface OrganizationSettingsInput {
  timezone?: string | null;
  language?: string | null;
  dateFormat?: string | null;
  dataRetentionDays?: number | null;
}

/** Retention shorter than a month would erase visits people still ask about; longer than ten years serves no one. */
export const retentionDaysRange = { min: 30, max: 3650 } as const;

/** Letters of Unicode date patterns (year, month, day, weekday, era, quarter, week) and separators. */
const dateFormatPattern = /^[yMdELGQwu]+(?:[-./ ,]+[yMdELGQwu]+)*$/;
const dateFormatMax = 32;

/** A BCP 47 tag as Intl knows it (structurally valid), canonicalized (EN-gb -> en-GB). */
const languageTag = text(35).transform((value, ctx) => {
  try {
    const [canonical] = Intl.getCanonicalLocales(value);
    if (canonical) return canonical;
  } catch {
    // RangeError: not a well-formed tag; answered below.
  }
  ctx.addIssue({ code: 'custom', message: `must be a BCP 47 language tag such as en or de-CH (got "${value}")` });
  return z.NEVER;
});

/** A setting not sent, or sent as null, keeps its value. */
export const settingsSchema = z.object({
  timezone: timeZone().nullish(),
  language: languageTag.nullish(),
  dateFormat: text(dateFormatMax)
    .regex(dateFormatPattern, 'must be a date pattern of y, M, d, E (and separators - . / , space), such as yyyy-MM-dd or dd.MM.yyyy')
    .nullish(),
  dataRetentionDays: wholeNumber(retentionDaysRange.min, retentionDaysRange.max).nullish(),
});

/**
 * Checks every setting sent before anything is written, each named in its own error, and
 * returns them in their canonical spelling (europe/berlin -> Europe/Berlin, EN-gb -> en-GB).
 */
export function validateSettingsInput(input: OrganizationSettingsInput): Partial<OrganizationSettings> {
  const { timezone, language, dateFormat, dataRetentionDays } = parse(settingsSchema, input);
  const patch: Partial<OrganizationSettings> = {};
  if (timezone != null) patch.timezone = timezone;
  if (language != null) patch.language = language;
  if (dateFormat != null) patch.dateFormat = dateFormat;
  if (dataRetentionDays != null) patch.dataRetentionDays = dataRetentionDays;
  return patch;
}
