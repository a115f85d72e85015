import { isUuid, validOptionalEmail, validPhone, validSlug } from './validation';

describe('optional contact fields', () => {
  it('treats blank as absent and checks the rest', () => {
    expect(validPhone('  ')).toBeNull();
    expect(validPhone(undefined)).toBeNull();
    expect(validPhone(' +49 (30) 123-4567 ')).toBe('+49 (30) 123-4567');
    expect(() => validPhone('call me')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field: 'phone' } }));
    expect(validOptionalEmail('')).toBeNull();
    expect(validOptionalEmail('A@B.io')).toBe('a@b.io');
    expect(() => validOptionalEmail('nope')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });
});

describe('isUuid', () => {
  it('accepts only UUIDs, which is what the id columns take', () => {
    expect(isUuid('3f2b8c1e-0a4d-4c5e-9f60-1a2b3c4d5e6f')).toBe(true);
    expect(isUuid("1' OR '1'='1")).toBe(false);
    expect(isUuid('')).toBe(false);
  });
});

describe('validSlug', () => {
  it('follows the business subgraph rule', () => {
    expect(validSlug(' City-Clinic ')).toBe('city-clinic');
    expect(validSlug('ab')).toBe('ab');
    for (const bad of ['a', 'a--b', '-ab', 'ab-', 'a_b', 'x'.repeat(64), '3f2b8c1e-0a4d-4c5e-9f60-1a2b3c4d5e6f']) {
      expect(() => validSlug(bad)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    }
  });
});
