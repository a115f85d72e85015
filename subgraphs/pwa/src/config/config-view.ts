import type { PwaConfig } from '@waitlessq/database';

export const layoutStyles = ['cards', 'list', 'compact'] as const;
export type LayoutStyle = (typeof layoutStyles)[number];

export type StatusColors = { waiting: string; called: string; serving: string; done: string; cancelled: string };
export type Typography = { fontFamily: string; baseSize: number; headingWeight: number };
export type Features = { joinQueue: boolean; appointments: boolean; visitHistory: boolean; notifications: boolean; offline: boolean };
export type PushSettings = { reminderMinutesBefore: number | null; quietHoursStart: string | null; quietHoursEnd: string | null };

/** A business's app configuration with every JSON column read and defaulted. */
export interface PwaConfigView {
  appName: string;
  shortName: string;
  description: string | null;
  themeColor: string;
  backgroundColor: string;
  accentColor: string;
  statusColors: StatusColors;
  typography: Typography;
  layoutStyle: LayoutStyle;
  logoUrl: string | null;
  iconUrl: string | null;
  welcomeMessage: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  privacyUrl: string | null;
  termsUrl: string | null;
  features: Features;
  languages: string[];
  defaultLanguage: string;
  rightToLeft: boolean;
  push: PushSettings;
}

export const defaultStatusColors: Readonly<StatusColors> = Object.freeze({
  waiting: '#2563eb',
  called: '#f59e0b',
  serving: '#16a34a',
  done: '#64748b',
  cancelled: '#dc2626',
});
export const defaultTypography: Readonly<Typography> = Object.freeze({ fontFamily: 'system-ui, sans-serif', baseSize: 16, headingWeight: 700 });
/** The same as the column default of PwaConfig.features. */
export const defaultFeatures: Readonly<Features> = Object.freeze({
  joinQueue: true,
  appointments: false,
  visitHistory: true,
  notifications: true,
  offline: true,
});
export const defaultPush: Readonly<PushSettings> = Object.freeze({ reminderMinutesBefore: 30, quietHoursStart: null, quietHoursEnd: null });

/** The configuration a business starts with, before its manager changes anything. */
export function defaultConfigView(businessName: string): PwaConfigView {
  const appName = businessName.trim().slice(0, 60);
  return {
    appName,
    shortName: deriveShortName(appName),
    description: null,
    themeColor: '#0f766e',
    backgroundColor: '#ffffff',
    accentColor: '#f59e0b',
    statusColors: { ...defaultStatusColors },
    typography: { ...defaultTypography },
    layoutStyle: 'cards',
    logoUrl: null,
    iconUrl: null,
    welcomeMessage: null,
    contactEmail: null,
    contactPhone: null,
    privacyUrl: null,
    termsUrl: null,
    features: { ...defaultFeatures },
    languages: ['en'],
    defaultLanguage: 'en',
    rightToLeft: false,
    push: { ...defaultPush },
  };
}

/** Home screens show about 12 characters: the whole name if it fits, else its first word, else a cut. */
export function deriveShortName(appName: string): string {
  if (appName.length <= 12) return appName;
  const firstWord = appName.split(/\s+/)[0];
  if (firstWord.length > 0 && firstWord.length <= 12) return firstWord;
  return appName.slice(0, 12).trim();
}

export function toConfigView(row: PwaConfig): PwaConfigView {
  return {
    appName: row.appName,
    shortName: row.shortName,
    description: row.description,
    themeColor: row.themeColor,
    backgroundColor: row.backgroundColor,
    accentColor: row.accentColor,
    statusColors: readObject(row.statusColors, defaultStatusColors, (v) => typeof v === 'string'),
    typography: readObject(row.typography, defaultTypography, (v, d) => typeof v === typeof d),
    layoutStyle: (layoutStyles as readonly string[]).includes(row.layoutStyle) ? (row.layoutStyle as LayoutStyle) : 'cards',
    logoUrl: row.logoUrl,
    iconUrl: row.iconUrl,
    welcomeMessage: row.welcomeMessage,
    contactEmail: row.contactEmail,
    contactPhone: row.contactPhone,
    privacyUrl: row.privacyUrl,
    termsUrl: row.termsUrl,
    features: readObject(row.features, defaultFeatures, (v) => typeof v === 'boolean'),
    languages: row.languages.length > 0 ? row.languages : ['en'],
    defaultLanguage: row.defaultLanguage,
    rightToLeft: row.rightToLeft,
    push: readObject(row.push, defaultPush, (v) => v === null || typeof v === 'string' || typeof v === 'number'),
  };
}

/** Each key of a JSON column falls back to its default on its own when missing or of the wrong type. */
function readObject<T extends Record<string, unknown>>(json: unknown, defaults: Readonly<T>, valid: (value: unknown, fallback: unknown) => boolean): T {
  const stored = json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
  const result = { ...defaults } as Record<string, unknown>;
  for (const key of Object.keys(defaults)) {
    if (key in stored && valid(stored[key], defaults[key])) result[key] = stored[key];
  }
  return result as T;
}
