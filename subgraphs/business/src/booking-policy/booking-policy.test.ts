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
    ['reminderMinutesBefore', 0, 10080],
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

  it('takes quiet hours as a pair of HH:MM times (the end may be past midnight), or both null to remove them', () => {
    expect(parseBookingPolicyInput({ businessId: 'b', quietHoursStart: '21:00', quietHoursEnd: '08:00' })).toEqual({
      quietHoursStart: '21:00',
      quietHoursEnd: '08:00',
    });
    expect(parseBookingPolicyInput({ businessId: 'b', quietHoursStart: '00:00', quietHoursEnd: '23:59' })).toEqual({
      quietHoursStart: '00:00',
      quietHoursEnd: '23:59',
    });
    expect(parseBookingPolicyInput({ businessId: 'b', quietHoursStart: null, quietHoursEnd: null })).toEqual({ quietHoursStart: null, quietHoursEnd: null });
    expect(parseBookingPolicyInput({ businessId: 'b' })).toEqual({});
  });

  it.each([
    [{ quietHoursStart: '21:00' }, 'quietHoursEnd'],
    [{ quietHoursEnd: '08:00' }, 'quietHoursStart'],
    [{ quietHoursStart: '21:00', quietHoursEnd: null }, 'quietHoursEnd'],
    [{ quietHoursStart: null, quietHoursEnd: '08:00' }, 'quietHoursStart'],
    [{ quietHoursStart: '24:00', quietHoursEnd: '08:00' }, 'quietHoursStart'],
    [{ quietHoursStart: '9:00', quietHoursEnd: '08:00' }, 'quietHoursStart'],
    [{ quietHoursStart: '21:00', quietHoursEnd: '08:60' }, 'quietHoursEnd'],
    [{ quietHoursStart: '21:00', quietHoursEnd: '' }, 'quietHoursEnd'],
    [{ quietHoursStart: '21:00', quietHoursEnd: '21:00' }, 'quietHoursEnd'],
  ])('refuses quiet hours %j naming %s', (hours, field) => {
    expect(() => parseBookingPolicyInput({ businessId: 'b', ...hours })).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field } }));
  });
});
