import { parseCreateBusinessInput, parseUpdateBusinessInput } from './business-input';

const badInput = (field: string) => expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field } });

describe('parseCreateBusinessInput', () => {
  it('fills defaults, canonicalises the zone and maps the address to columns', () => {
    const parsed = parseCreateBusinessInput({
      name: ' Acme Clinic ',
      timezone: 'europe/berlin',
      address: { line1: 'Hauptstr. 1', city: 'Berlin', country: 'de' },
      idempotencyKey: 'k1',
    });
    expect(parsed).toEqual({
      columns: expect.objectContaining({
        name: 'Acme Clinic',
        timezone: 'Europe/Berlin',
        addressLine1: 'Hauptstr. 1',
        addressLine2: null,
        city: 'Berlin',
        country: 'DE',
        acceptsWalkIns: true,
        queueCapacity: null,
      }),
      slug: null,
      idempotencyKey: 'k1',
    });
  });

  it('refuses a bad zone, slug, country or capacity, naming the field', () => {
    const base = { name: 'Acme', timezone: 'UTC' };
    expect(() => parseCreateBusinessInput({ ...base, timezone: 'Nowhere/Land' })).toThrow(badInput('timezone'));
    expect(() => parseCreateBusinessInput({ ...base, slug: 'Not a slug' })).toThrow(badInput('slug'));
    expect(() => parseCreateBusinessInput({ ...base, address: { country: 'D1' } })).toThrow(badInput('address.country'));
    expect(() => parseCreateBusinessInput({ ...base, queueCapacity: 0 })).toThrow(badInput('queueCapacity'));
    expect(() => parseCreateBusinessInput({ ...base, name: ' ' })).toThrow(badInput('name'));
  });
});

describe('parseUpdateBusinessInput', () => {
  it('changes only what was sent; null clears optional fields', () => {
    expect(parseUpdateBusinessInput({ id: 'b', description: null, address: { city: 'Köln' } })).toEqual({
      columns: { description: null, city: 'Köln' },
      slug: undefined,
    });
    expect(parseUpdateBusinessInput({ id: 'b', address: null }).columns).toEqual({
      addressLine1: null,
      addressLine2: null,
      city: null,
      postalCode: null,
      region: null,
      country: null,
    });
  });

  it('refuses clearing required fields', () => {
    expect(() => parseUpdateBusinessInput({ id: 'b', name: null })).toThrow(badInput('name'));
    expect(() => parseUpdateBusinessInput({ id: 'b', timezone: null })).toThrow(badInput('timezone'));
    expect(() => parseUpdateBusinessInput({ id: 'b', slug: null })).toThrow(badInput('slug'));
    expect(() => parseUpdateBusinessInput({ id: 'b', acceptsWalkIns: null })).toThrow(badInput('acceptsWalkIns'));
  });
});
