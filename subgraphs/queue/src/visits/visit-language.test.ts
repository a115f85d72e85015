import { optionalLanguage } from './visit-language';

describe('optionalLanguage', () => {
  it('takes BCP 47 tags in canonical case, and absent or blank as none', () => {
    expect(optionalLanguage('en')).toBe('en');
    expect(optionalLanguage(' de-de ')).toBe('de-DE');
    expect(optionalLanguage('zh-hant-tw')).toBe('zh-Hant-TW');
    expect(optionalLanguage(undefined)).toBeNull();
    expect(optionalLanguage(null)).toBeNull();
    expect(optionalLanguage('  ')).toBeNull();
  });

  it.each(['english please', 'e', 'de_DE', 'en-', '12', 'en-US-x-aaaaaaaaaa', 'en-a'])('refuses %j naming the field', (value) => {
    expect(() => optionalLanguage(value)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field: 'language' } }));
  });
});
