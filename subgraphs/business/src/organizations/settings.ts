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
