import { defaultOrganizationSettings, readOrganizationSettings } from './settings';

describe('readOrganizationSettings', () => {
  it('gives the defaults for an empty or malformed column', () => {
    expect(readOrganizationSettings({})).toEqual(defaultOrganizationSettings);
    expect(readOrganizationSettings(null)).toEqual(defaultOrganizationSettings);
    expect(readOrganizationSettings([1, 2])).toEqual(defaultOrganizationSettings);
  });

  it('keeps valid settings and replaces only the odd ones', () => {
    expect(readOrganizationSettings({ timezone: 'Europe/Paris', language: 'fr', dataRetentionDays: -3, provisioningKey: 'k' })).toEqual({
      timezone: 'Europe/Paris',
      language: 'fr',
      dateFormat: 'yyyy-MM-dd',
      dataRetentionDays: 365,
    });
  });
});
