import { pickFreeSlug, slugify, withRandomSuffix } from './slug';

describe('slugify', () => {
  it('turns names into lowercase ASCII words joined by hyphens', () => {
    expect(slugify('Café Zürich — Mitte', 'x')).toBe('cafe-zurich-mitte');
    expect(slugify('  Straße 12 / Ärzte  ', 'x')).toBe('strasse-12-arzte');
    expect(slugify("Bob's  Barber  Shop!!", 'x')).toBe('bob-s-barber-shop');
  });

  it('falls back when nothing usable is left and caps the length without a trailing hyphen', () => {
    expect(slugify('東京', 'business')).toBe('business');
    const long = slugify(`${'a'.repeat(47)} b`, 'x');
    expect(long).toBe('a'.repeat(47));
  });
});

describe('pickFreeSlug', () => {
  it('keeps the base when free, else numbers it', () => {
    expect(pickFreeSlug('acme', new Set())).toBe('acme');
    expect(pickFreeSlug('acme', new Set(['acme', 'acme-2']))).toBe('acme-3');
  });

  it('adds a random suffix when the numbers run out', () => {
    const taken = new Set(['acme', ...Array.from({ length: 98 }, (_, i) => `acme-${i + 2}`)]);
    expect(pickFreeSlug('acme', taken)).toMatch(/^acme-[0-9a-f]{6}$/);
    expect(withRandomSuffix('acme')).not.toBe(withRandomSuffix('acme'));
  });
});
