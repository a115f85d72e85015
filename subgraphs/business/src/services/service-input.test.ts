import { parseCreateServiceInput, parseUpdateServiceInput } from './service-input';

const badInput = (field: string) => expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field } });
const base = { businessId: 'b', name: ' Haircut ', durationMinutes: 30 };

describe('parseCreateServiceInput', () => {
  it('fills defaults and normalises', () => {
    expect(parseCreateServiceInput({ ...base, currency: 'chf', priceCents: 2500 })).toEqual({
      columns: {
        name: 'Haircut',
        category: null,
        description: null,
        durationMinutes: 30,
        priceCents: 2500,
        currency: 'CHF',
        bookableOnline: true,
        bufferBeforeMinutes: 0,
        bufferAfterMinutes: 0,
      },
      idempotencyKey: null,
    });
  });

  it.each([0, 601, 12.5])('refuses a duration of %p minutes', (durationMinutes) => {
    expect(() => parseCreateServiceInput({ ...base, durationMinutes })).toThrow(badInput('durationMinutes'));
  });

  it('takes buffers from 0 to 240 minutes, naming the field it refuses', () => {
    expect(parseCreateServiceInput({ ...base, bufferBeforeMinutes: 10, bufferAfterMinutes: 240 }).columns).toMatchObject({
      bufferBeforeMinutes: 10,
      bufferAfterMinutes: 240,
    });
    expect(() => parseCreateServiceInput({ ...base, bufferBeforeMinutes: -5 })).toThrow(badInput('bufferBeforeMinutes'));
    expect(() => parseCreateServiceInput({ ...base, bufferAfterMinutes: 241 })).toThrow(badInput('bufferAfterMinutes'));
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
    expect(parseUpdateServiceInput({ id: 's', bufferAfterMinutes: 5 })).toEqual({ bufferAfterMinutes: 5 });
    expect(() => parseUpdateServiceInput({ id: 's', bufferBeforeMinutes: null })).toThrow(badInput('bufferBeforeMinutes'));
  });
});
