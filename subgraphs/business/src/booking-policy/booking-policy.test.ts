import { parseBookingPolicyInput } from './booking-policy';

describe('parseBookingPolicyInput', () => {
  it('keeps only the fields sent, and null removes the daily limit', () => {
    expect(parseBookingPolicyInput({ businessId: 'b', slotMinutes: 30, maxBookingsPerDay: null })).toEqual({ slotMinutes: 30, maxBookingsPerDay: null });
  });

  it('refuses out-of-range values and nulls for required settings', () => {
    expect(() => parseBookingPolicyInput({ businessId: 'b', slotMinutes: 1 })).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field: 'slotMinutes' } }),
    );
    expect(() => parseBookingPolicyInput({ businessId: 'b', maxAdvanceDays: null })).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field: 'maxAdvanceDays' } }),
    );
  });

  it.each([
    ['spotsPerSlot', 1, 100],
    ['noShowGraceMinutes', 0, 240],
    ['standbyOfferMinutes', 5, 1440],
  ] as const)('takes %s from %d to %d and nothing outside', (field, min, max) => {
    expect(parseBookingPolicyInput({ businessId: 'b', [field]: min })).toEqual({ [field]: min });
    expect(parseBookingPolicyInput({ businessId: 'b', [field]: max })).toEqual({ [field]: max });
    for (const value of [min - 1, max + 1, min + 0.5]) {
      expect(() => parseBookingPolicyInput({ businessId: 'b', [field]: value })).toThrow(
        expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field } }),
      );
    }
    expect(() => parseBookingPolicyInput({ businessId: 'b', [field]: null })).toThrow(expect.objectContaining({ details: { field } }));
  });
});
