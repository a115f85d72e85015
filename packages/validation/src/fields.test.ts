import { z } from 'zod';
import {
  clockTime,
  email,
  hexColor,
  httpUrl,
  id,
  idempotencyKey,
  optionalEmail,
  optionalPhone,
  optionalText,
  password,
  phone,
  slug,
  text,
  timeZone,
  wholeNumber,
} from './fields';
import { parse } from './parse';

const refusal = (field: string, message?: string) => expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field }, ...(message ? { message } : {}) });

describe('field rules', () => {
  it('text: trimmed, required, at most max characters', () => {
    expect(parse(text(5), '  Ada ', 'name')).toBe('Ada');
    expect(() => parse(text(5), '  ', 'name')).toThrow(refusal('name', 'name is required.'));
    expect(() => parse(text(5), undefined, 'name')).toThrow(refusal('name', 'name is required.'));
    expect(() => parse(text(5), null, 'name')).toThrow(refusal('name', 'name is required.'));
    expect(() => parse(text(5), 'Adelheid', 'name')).toThrow(refusal('name', 'name must be at most 5 characters.'));
  });

  it('optional text: undefined is "not sent", null or blank is "clear"', () => {
    expect(parse(optionalText(5), undefined, 'note')).toBeUndefined();
    expect(parse(optionalText(5), null, 'note')).toBeNull();
    expect(parse(optionalText(5), '   ', 'note')).toBeNull();
    expect(parse(optionalText(5), ' hi ', 'note')).toBe('hi');
    expect(() => parse(optionalText(5), 'too long', 'note')).toThrow(refusal('note'));
  });

  it('email: trimmed, lower-cased, at most 254 characters', () => {
    expect(parse(email(), ' Ada@Example.COM ', 'email')).toBe('ada@example.com');
    expect(() => parse(email(), 'ada@example', 'email')).toThrow(refusal('email', 'email must be an email address.'));
    expect(() => parse(email(), `${'a'.repeat(250)}@example.com`, 'email')).toThrow(refusal('email'));
    expect(parse(optionalEmail(), '', 'email')).toBeNull();
  });

  it.each([
    ['+49 30 1234567', '+49301234567'],
    ['+1 (555) 010-9999', '+15550109999'],
    ['0041 44.123.45.67', '+41441234567'],
    ['+49/30/1234567', '+49301234567'],
  ])('phone: accepts %s as %s', (typed, stored) => {
    expect(parse(phone(), typed, 'phone')).toBe(stored);
  });

  it.each(['030 1234567', '+49 30 12a4567', '+123', '+0 30 1234567', '+1234567890123456', '++49 30 1234567', '49+301234567'])('phone: refuses %s', (typed) => {
    expect(() => parse(phone(), typed, 'phone')).toThrow(refusal('phone'));
  });

  it('phone as typed: the same check, the trimmed text kept', () => {
    expect(parse(phone({ asTyped: true }), ' +49 (30) 123-4567 ', 'phone')).toBe('+49 (30) 123-4567');
    expect(() => parse(phone({ asTyped: true }), 'call me', 'phone')).toThrow(refusal('phone'));
  });

  it('optional phone: blank clears', () => {
    expect(parse(optionalPhone(), ' ', 'phone')).toBeNull();
    expect(parse(optionalPhone(), undefined, 'phone')).toBeUndefined();
  });

  it('ids are UUIDs', () => {
    expect(parse(id(), '00000000-0000-4000-8000-000000000001', 'queueId')).toBe('00000000-0000-4000-8000-000000000001');
    expect(() => parse(id(), 'q-1', 'queueId')).toThrow(refusal('queueId', 'queueId is not a valid id.'));
  });

  it('hex colours, clock times, time zones and URLs', () => {
    expect(parse(hexColor(), ' #A1B2C3 ', 'themeColor')).toBe('#a1b2c3');
    expect(() => parse(hexColor(), 'hotpink', 'themeColor')).toThrow(refusal('themeColor'));
    expect(parse(clockTime(), '23:59', 'opensAt')).toBe('23:59');
    expect(() => parse(clockTime(), '24:00', 'opensAt')).toThrow(refusal('opensAt'));
    expect(parse(timeZone(), 'europe/berlin', 'timezone')).toBe('Europe/Berlin');
    expect(() => parse(timeZone(), 'Mars/Olympus', 'timezone')).toThrow(refusal('timezone'));
    expect(parse(httpUrl(), 'https://example.com', 'website')).toBe('https://example.com/');
    expect(() => parse(httpUrl(), 'javascript:alert(1)', 'website')).toThrow(refusal('website', 'website must be an absolute http(s) URL.'));
  });

  it('whole numbers in a range', () => {
    expect(parse(wholeNumber(1, 50), 3, 'notifyAtPosition')).toBe(3);
    for (const bad of [0, 51, 2.5, '3']) {
      expect(() => parse(wholeNumber(1, 50), bad, 'notifyAtPosition')).toThrow(
        refusal('notifyAtPosition', 'notifyAtPosition must be a whole number from 1 to 50.'),
      );
    }
  });

  it('idempotency keys: opaque, 1 to 200 characters, absent is null', () => {
    expect(parse(idempotencyKey(), undefined, 'idempotencyKey')).toBeNull();
    expect(parse(idempotencyKey(), null, 'idempotencyKey')).toBeNull();
    expect(parse(idempotencyKey(), ' k-1', 'idempotencyKey')).toBe(' k-1');
    expect(() => parse(idempotencyKey(), '', 'idempotencyKey')).toThrow(refusal('idempotencyKey', 'idempotencyKey must be 1 to 200 characters long.'));
    expect(() => parse(idempotencyKey(), 'k'.repeat(201), 'idempotencyKey')).toThrow(refusal('idempotencyKey'));
  });

  it('slugs: 2 to 63 lower-case letters, digits and single hyphens, never shaped like an id', () => {
    expect(parse(slug(), ' City-Clinic ', 'slug')).toBe('city-clinic');
    for (const bad of ['a', 'a--b', '-ab', 'ab-', 'a_b', 'acme clinic', 'acmé', 'x'.repeat(64)])
      expect(() => parse(slug(), bad, 'slug')).toThrow(refusal('slug'));
    expect(() => parse(slug(), '00000000-0000-4000-8000-000000000001', 'slug')).toThrow(refusal('slug', 'slug must not look like an id.'));
  });

  it('passwords: 10 to 256 characters, kept as typed', () => {
    expect(parse(password(), ' a long one ', 'password')).toBe(' a long one ');
    expect(() => parse(password(), 'short', 'password')).toThrow(refusal('password', 'password must be at least 10 characters long.'));
  });
});

describe('parse', () => {
  const input = z.object({
    name: text(10),
    address: z.object({ city: optionalText(5) }).optional(),
    intervals: z.array(z.object({ endsAt: wholeNumber(0, 10) })).optional(),
  });

  it('names a nested field by its path', () => {
    expect(() => parse(input, { name: 'A', address: { city: 'Amsterdam' } })).toThrow(refusal('address.city', 'address.city must be at most 5 characters.'));
    expect(() => parse(input, { name: 'A', intervals: [{ endsAt: 11 }] })).toThrow(refusal('intervals[0].endsAt'));
    expect(() => parse(input, { name: 'A' }, 'input')).not.toThrow();
    expect(() => parse(input, {}, 'input')).toThrow(refusal('input.name', 'input.name is required.'));
  });

  it("says what zod's own type checks miss in our words", () => {
    expect(() => parse(input, { name: 'A', address: 'Main St' })).toThrow(refusal('address', 'address must be an object.'));
  });

  it('returns the normalised value', () => {
    expect(parse(input, { name: ' A ', address: { city: ' ' } })).toEqual({ name: 'A', address: { city: null } });
  });
});
