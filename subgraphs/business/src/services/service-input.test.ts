import { parseCreateServiceInput, parseUpdateServiceInput } from './service-input';

const badInput = (field: string) => expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field } });
const base = { businessId: 'b', name: ' Haircut ', durationMinutes: 30 };

describe('parseCreateServiceInput', () => {
  it('fills defaults and normalises', () => {
    expect(parseCreateServiceInput({ ...base, currency: 'chf', priceCents: 2500 })).toEqual({
      columns: { name: 'Haircut', category: null, description: null, durationMinutes: 30, priceCents: 2500, currency: 'CHF', bookableOnline: true },
      idempotencyKey: null,
    });
  });

  it.each([0, 601, 12.5])('refuses a duration of %p minutes', (durationMinutes) => {
    expect(() => parseCreateServiceInput({ ...base, durationMinutes })).toThrow(badInput('durationMinutes'));
  });

  it('refuses a bad currency and a negative price', () => {
    expect(() => parseCreateServiceInput({ ...base, currency: 'EURO' })).toThrow(badInput('currency'));
    expect(() => parseCreateServiceInput({ ...base, priceCents: -1 })).toThrow(badInput('priceCents'));
  });
});

describe('parseUpdateServiceInput', () => {
  it('changes only what was sent and refuses clearing required fields', () => {
    expect(parseUpdateServiceInput({ id: 's', active: false, description: null })).toEqual({ active: false, description: null });
    expect(() => parseUpdateServiceInput({ id: 's', durationMinutes: null })).toThrow(badInput('durationMinutes'));
  });
});
