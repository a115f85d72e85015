import { badInput, intInRange, requiredText, timezone } from '../validation';

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

/**
 * Checks every setting sent before anything is written, each named in its own error, and
 * returns them in their canonical spelling (europe/berlin -> Europe/Berlin, EN-gb -> en-GB).
 */
export function validateSettingsInput(input: OrganizationSettingsInput): Partial<OrganizationSettings> {
  const patch: Partial<OrganizationSettings> = {};
  if (input.timezone != null) patch.timezone = timezone('timezone', input.timezone);
  if (input.language != null) patch.language = languageTag('language', input.language);
  if (input.dateFormat != null) {
    const text = requiredText('dateFormat', input.dateFormat, dateFormatMax);
    if (!dateFormatPattern.test(text)) throw badInput('dateFormat', 'must be a date pattern of y, M, d, E (and separators - . / , space), such as yyyy-MM-dd or dd.MM.yyyy');
    patch.dateFormat = text;
  }
  if (input.dataRetentionDays != null) patch.dataRetentionDays = intInRange('dataRetentionDays', input.dataRetentionDays, retentionDaysRange.min, retentionDaysRange.max);
  return patch;
}

/** A BCP 47 tag as Intl knows it (structurally valid), canonicalized. */
function languageTag(field: string, value: string): string {
  const text = requiredText(field, value, 35);
  try {
    const [canonical] = Intl.getCanonicalLocales(text);
    if (canonical) return canonical;
  } catch {
    // RangeError: not a well-formed tag; answered below.
  }
  throw badInput(field, `must be a BCP 47 language tag such as en or de-CH (got "${text}")`);
}
