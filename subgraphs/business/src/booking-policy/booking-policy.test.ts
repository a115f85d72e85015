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
});
