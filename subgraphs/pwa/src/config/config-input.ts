import { badInput, clockTime, hexColor, intInRange, optionalEmail, optionalHttpUrl, optionalPhone, optionalText, requiredText } from '../validation';
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
  layoutStyle?: 'CARDS' | 'LIST' | 'COMPACT' | null;
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

/**
 * The configuration after a manager's update: each field sent is checked and replaces the
 * current one (nested objects key by key; null resets a nested key to its default and clears
 * an optional field), then rules across fields are checked on the result.
 */
export function applyConfigInput(current: PwaConfigView, input: UpdatePwaConfigInput): PwaConfigView {
  for (const field of ['appName', 'shortName', 'themeColor', 'backgroundColor', 'accentColor', 'layoutStyle', 'languages', 'defaultLanguage', 'rightToLeft'] as const) {
    if (input[field] === null) throw badInput(field, 'cannot be null');
  }
  const next: PwaConfigView = { ...current };
  const set = <K extends keyof PwaConfigView>(key: K, value: PwaConfigView[K] | null | undefined, parse: (value: NonNullable<PwaConfigView[K]> | null) => PwaConfigView[K]) => {
    if (value !== undefined) next[key] = parse(value as NonNullable<PwaConfigView[K]> | null);
  };
  set('appName', input.appName, (v) => requiredText('appName', v, 60));
  set('shortName', input.shortName, (v) => requiredText('shortName', v, SHORT_NAME_MAX));
  set('description', input.description, (v) => optionalText('description', v, 300));
  set('themeColor', input.themeColor, (v) => hexColor('themeColor', v as string));
  set('backgroundColor', input.backgroundColor, (v) => hexColor('backgroundColor', v as string));
  set('accentColor', input.accentColor, (v) => hexColor('accentColor', v as string));
  if (input.layoutStyle != null) next.layoutStyle = layoutStyle(input.layoutStyle);
  set('logoUrl', input.logoUrl, (v) => optionalHttpUrl('logoUrl', v));
  set('iconUrl', input.iconUrl, (v) => optionalHttpUrl('iconUrl', v));
  set('welcomeMessage', input.welcomeMessage, (v) => optionalText('welcomeMessage', v, 500));
  set('contactEmail', input.contactEmail, (v) => optionalEmail('contactEmail', v));
  set('contactPhone', input.contactPhone, (v) => optionalPhone('contactPhone', v));
  set('privacyUrl', input.privacyUrl, (v) => optionalHttpUrl('privacyUrl', v));
  set('termsUrl', input.termsUrl, (v) => optionalHttpUrl('termsUrl', v));
  set('languages', input.languages, (v) => languages(v as string[]));
  set('defaultLanguage', input.defaultLanguage, (v) => language('defaultLanguage', v as string));
  if (input.rightToLeft != null) next.rightToLeft = input.rightToLeft;
  next.statusColors = mergeNested('statusColors', current.statusColors, defaultStatusColors, input.statusColors, (field, v) => hexColor(field, v as string));
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
  if (field === 'typography.baseSize') return intInRange(field, value as number, 12, 24);
  const weight = intInRange(field, value as number, 100, 900);
  if (weight % 100 !== 0) throw badInput(field, 'must be a multiple of 100');
  return weight;
}

function pushValue(field: string, value: unknown): unknown {
  if (field === 'push.reminderMinutesBefore') return intInRange(field, value as number, 0, 7 * 24 * 60);
  return clockTime(field, value as string);
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
