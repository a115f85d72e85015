import { definedOnly, intInRange, optionalEmail, optionalHttpUrl, optionalText, requiredText, timezone } from './validation';

const badInput = (field: string) => expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field } });

describe('input validation', () => {
  it('trims text, refuses blanks where required and clears optional blanks', () => {
    expect(requiredText('name', '  Acme  ', 10)).toBe('Acme');
    expect(() => requiredText('name', '   ', 10)).toThrow(badInput('name'));
    expect(() => requiredText('name', 'x'.repeat(11), 10)).toThrow(badInput('name'));
    expect(optionalText('description', undefined, 10)).toBeUndefined();
    expect(optionalText('description', '  ', 10)).toBeNull();
    expect(optionalText('description', null, 10)).toBeNull();
  });

  it('checks emails and URLs', () => {
    expect(optionalEmail('email', 'Desk@Acme.Example')).toBe('desk@acme.example');
    expect(() => optionalEmail('email', 'not-an-email')).toThrow(badInput('email'));
    expect(optionalHttpUrl('website', 'https://acme.example')).toBe('https://acme.example/');
    expect(() => optionalHttpUrl('website', 'javascript:alert(1)')).toThrow(badInput('website'));
    expect(() => optionalHttpUrl('website', 'acme.example')).toThrow(badInput('website'));
  });

  it('accepts IANA zones in canonical spelling and refuses others', () => {
    expect(timezone('timezone', 'Europe/Berlin')).toBe('Europe/Berlin');
    expect(timezone('timezone', 'europe/berlin')).toBe('Europe/Berlin');
    expect(timezone('timezone', 'UTC')).toBe('UTC');
    expect(() => timezone('timezone', 'Mars/Olympus_Mons')).toThrow(badInput('timezone'));
  });

  it('checks integer ranges', () => {
    expect(intInRange('durationMinutes', 600, 1, 600)).toBe(600);
    expect(() => intInRange('durationMinutes', 0, 1, 600)).toThrow(badInput('durationMinutes'));
    expect(() => intInRange('durationMinutes', 1.5, 1, 600)).toThrow(badInput('durationMinutes'));
  });

  it('keeps only the fields that were sent', () => {
    expect(definedOnly({ a: 1, b: undefined, c: null })).toEqual({ a: 1, c: null });
  });
});
