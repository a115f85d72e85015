import { applyConfigInput } from './config-input';
import { defaultConfigView, deriveShortName, toConfigView } from './config-view';
import type { PwaConfig } from '@waitlessq/database';

const badInput = (field: string) => expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field } });
const start = defaultConfigView('Acme Dental Clinic');

describe('defaultConfigView', () => {
  it('starts from the business name with a short name that fits', () => {
    expect(start.appName).toBe('Acme Dental Clinic');
    expect(start.shortName).toBe('Acme');
    expect(deriveShortName('Zahnarztpraxisverbund Mitte')).toBe('Zahnarztprax');
  });
});

describe('applyConfigInput', () => {
  it('changes only the fields sent, normalising colours', () => {
    const next = applyConfigInput(start, { businessId: 'b', themeColor: '#0A0B0C', statusColors: { called: '#FF0000' }, layoutStyle: 'LIST' });
    expect(next.themeColor).toBe('#0a0b0c');
    expect(next.statusColors).toEqual({ ...start.statusColors, called: '#ff0000' });
    expect(next.layoutStyle).toBe('list');
    expect(next.appName).toBe(start.appName);
  });

  it('clears optional fields with null and resets nested keys to their defaults', () => {
    const configured = applyConfigInput(start, { businessId: 'b', welcomeMessage: 'Hi', typography: { baseSize: 18 } });
    const cleared = applyConfigInput(configured, { businessId: 'b', welcomeMessage: null, typography: { baseSize: null } });
    expect(cleared.welcomeMessage).toBeNull();
    expect(cleared.typography.baseSize).toBe(16);
  });

  it.each([
    ['shortName', { shortName: 'Thirteen chrs' }],
    ['themeColor', { themeColor: 'teal' }],
    ['themeColor', { themeColor: '#fff' }],
    ['statusColors.waiting', { statusColors: { waiting: 'red' } }],
    ['appName', { appName: null }],
    ['iconUrl', { iconUrl: 'javascript:alert(1)' }],
    ['typography.fontFamily', { typography: { fontFamily: 'x}body{display:none' } }],
    ['typography.headingWeight', { typography: { headingWeight: 650 } }],
    ['languages[1]', { languages: ['en', 'English'] }],
    ['defaultLanguage', { languages: ['de', 'fr'] }],
    ['push.quietHoursEnd', { push: { quietHoursStart: '22:00' } }],
    ['push.quietHoursStart', { push: { quietHoursStart: '25:00', quietHoursEnd: '07:00' } }],
  ])('refuses a bad %s', (field, change) => {
    expect(() => applyConfigInput(start, { businessId: 'b', ...change })).toThrow(badInput(field));
  });

  it('accepts a language change together with its default, and quiet hours as a pair', () => {
    const next = applyConfigInput(start, {
      businessId: 'b',
      languages: ['ar', 'en'],
      defaultLanguage: 'ar',
      rightToLeft: true,
      push: { quietHoursStart: '22:00', quietHoursEnd: '07:00' },
    });
    expect(next).toMatchObject({
      languages: ['ar', 'en'],
      defaultLanguage: 'ar',
      rightToLeft: true,
      push: { reminderMinutesBefore: 30, quietHoursStart: '22:00', quietHoursEnd: '07:00' },
    });
  });
});

describe('toConfigView', () => {
  it('defaults each key of the JSON columns on its own', () => {
    const row = {
      ...start,
      id: 'c',
      organizationId: 'o',
      businessId: 'b',
      createdAt: new Date(),
      updatedAt: new Date(),
      statusColors: { waiting: '#000000', called: 3 },
      typography: {},
      features: { offline: false },
      push: {},
    } as unknown as PwaConfig;
    const view = toConfigView(row);
    expect(view.statusColors).toEqual({ ...start.statusColors, waiting: '#000000' });
    expect(view.features).toEqual({ ...start.features, offline: false });
    expect(view.push).toEqual(start.push);
  });
});
