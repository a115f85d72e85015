import { optionalLanguage } from './visit-language';

describe('optionalLanguage', () => {
  it('takes BCP 47 tags in canonical case, and absent or blank as none', () => {
    expect(optionalLanguage('en')).toBe('en');
    expect(optionalLanguage(' de-de ')).toBe('de-DE');
    expect(optionalLanguage('zh-hant-tw')).toBe('zh-Hant-TW');
    expect(optionalLanguage('es-419')).toBe('es-419');
    // The shape is the rule: a tag Intl cannot place is kept as sent.
    expect(optionalLanguage('en-a1')).toBe('en-a1');
    expect(optionalLanguage(undefined)).toBeNull();
    expect(optionalLanguage(null)).toBeNull();
    expect(optionalLanguage('  ')).toBeNull();
  });

  it.each(['english please', 'e', 'de_DE', 'en-', '12', 'en-US-x-aaaaaaaaaa', 'en-a'])('refuses %j naming the field', (value) => {
    expect(() => optionalLanguage(value)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field: 'language' } }));
  });
});
