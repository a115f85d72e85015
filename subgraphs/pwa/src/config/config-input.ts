import { badInput, clockTime, hexColor, optionalEmail, optionalHttpUrl, optionalPhone, optionalText, parse, text, wholeNumber, z } from '@waitlessq/validation';
import {
  defaultFeatures,
  defaultPush,
  defaultStatusColors,
  defaultTypography,
  layoutStyles,
  type Features,
  type LayoutStyle,
  type PushSettings,
  type PwaConfigView,
  type StatusColors,
  type Typography,
} from './config-view';

type Nullable<T> = { [K in keyof T]?: T[K] | null };

export interface UpdatePwaConfigInput {
  businessId: string;
  appName?: string | null;
  shortName?: string | null;
  description?: string | null;
  themeColor?: string | null;
  backgroundColor?: string | null;
  accentColor?: string | null;
  statusColors?: Nullable<StatusColors> | null;
  typography?: Nullable<Typography> | null;
  // The API gives the enum's internal value (its resolvers map CARDS to cards); either case is read.
  layoutStyle?: LayoutStyle | Uppercase<LayoutStyle> | null;
  logoUrl?: string | null;
  iconUrl?: string | null;
  welcomeMessage?: string | null;
  contactEmail?: string | null;
  contactPhone?: string | null;
  privacyUrl?: string | null;
  termsUrl?: string | null;
  features?: Nullable<Features> | null;
  languages?: string[] | null;
  defaultLanguage?: string | null;
  rightToLeft?: boolean | null;
  push?: Nullable<PushSettings> | null;
}

export const SHORT_NAME_MAX = 12;
const languageTag = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
/** Goes into inline CSS: letters, digits, spaces, commas, hyphens and quotes only (no braces, no angle brackets). */
const fontFamilyPattern = /^[A-Za-z0-9 ,'"-]{1,120}$/;

/** The top-level fields; each sent replaces the current one (null clears an optional one). */
const configFieldsSchema = z.object({
  appName: text(60).optional(),
  shortName: text(SHORT_NAME_MAX).optional(),
  description: optionalText(300),
  themeColor: hexColor().optional(),
  backgroundColor: hexColor().optional(),
  accentColor: hexColor().optional(),
  layoutStyle: z.string().nullish(),
  logoUrl: optionalHttpUrl(),
  iconUrl: optionalHttpUrl(),
  welcomeMessage: optionalText(500),
  contactEmail: optionalEmail(),
  contactPhone: optionalPhone(),
  privacyUrl: optionalHttpUrl(),
  termsUrl: optionalHttpUrl(),
  languages: z.array(z.string()).nullish(),
  defaultLanguage: z.string().nullish(),
  rightToLeft: z.boolean().nullish(),
});

/**
 * The configuration after a manager's update: each field sent is checked and replaces the
 * current one (nested objects key by key; null resets a nested key to its default and clears
 * an optional field), then rules across fields are checked on the result.
 */
export function applyConfigInput(current: PwaConfigView, input: UpdatePwaConfigInput): PwaConfigView {
  for (const field of [
    'appName',
    'shortName',
    'themeColor',
    'backgroundColor',
    'accentColor',
    'layoutStyle',
    'languages',
    'defaultLanguage',
    'rightToLeft',
  ] as const) {
    if (input[field] === null) throw badInput(field, 'cannot be null');
  }
  const next: PwaConfigView = { ...current };
  const { layoutStyle: style, languages: tags, defaultLanguage, ...fields } = parse(configFieldsSchema, input);
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) Object.assign(next, { [key]: value });
  }
  if (style != null) next.layoutStyle = layoutStyle(style);
  if (tags != null) next.languages = languages(tags);
  if (defaultLanguage != null) next.defaultLanguage = language('defaultLanguage', defaultLanguage);
  next.statusColors = mergeNested('statusColors', current.statusColors, defaultStatusColors, input.statusColors, (field, v) => parse(hexColor(), v, field));
  next.typography = mergeNested('typography', current.typography, defaultTypography, input.typography, typographyValue);
  next.features = mergeNested('features', current.features, defaultFeatures, input.features, (_field, v) => v as boolean);
  next.push = mergeNested('push', current.push, defaultPush, input.push, pushValue, true);
  if (!next.languages.includes(next.defaultLanguage)) {
    throw badInput('defaultLanguage', `must be one of languages (${next.languages.join(', ')})`);
  }
  if ((next.push.quietHoursStart === null) !== (next.push.quietHoursEnd === null)) {
    throw badInput('push.quietHoursEnd', 'must be set together with push.quietHoursStart');
  }
  return next;
}

function mergeNested<T extends Record<string, unknown>>(
  name: string,
  current: T,
  defaults: Readonly<T>,
  input: Nullable<T> | null | undefined,
  parse: (field: string, value: unknown) => unknown,
  nullIsValue = false,
): T {
  if (input === undefined) return current;
  if (input === null) return { ...defaults };
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const field = `${name}.${key}`;
    merged[key] = value === null ? (nullIsValue ? null : defaults[key]) : parse(field, value);
  }
  return merged as T;
}

function typographyValue(field: string, value: unknown): unknown {
  if (field === 'typography.fontFamily') {
    const text = String(value).trim();
    if (!fontFamilyPattern.test(text)) throw badInput(field, 'must be a CSS font-family list (letters, digits, spaces, commas, hyphens, quotes)');
    return text;
  }
  if (field === 'typography.baseSize') return parse(wholeNumber(12, 24), value, field);
  const weight = parse(wholeNumber(100, 900), value, field);
  if (weight % 100 !== 0) throw badInput(field, 'must be a multiple of 100');
  return weight;
}

function pushValue(field: string, value: unknown): unknown {
  if (field === 'push.reminderMinutesBefore') return parse(wholeNumber(0, 7 * 24 * 60), value, field);
  return parse(clockTime(), value, field);
}

function layoutStyle(value: string): LayoutStyle {
  const style = value.toLowerCase();
  if (!(layoutStyles as readonly string[]).includes(style)) throw badInput('layoutStyle', `must be one of ${layoutStyles.join(', ')}`);
  return style as LayoutStyle;
}

function language(field: string, value: string): string {
  const tag = value.trim();
  if (!languageTag.test(tag)) throw badInput(field, 'must be a BCP 47 language tag such as en or pt-BR');
  return tag;
}

function languages(values: string[]): string[] {
  if (values.length === 0 || values.length > 20) throw badInput('languages', 'must hold 1 to 20 language tags');
  const tags = values.map((value, index) => language(`languages[${index}]`, value));
  if (new Set(tags).size !== tags.length) throw badInput('languages', 'must not repeat a language');
  return tags;
}
