import type { AvailabilityException, AvailabilityRule, OpeningHours, Service } from '@waitlessq/database';
import { defaultBookingPolicy } from '../booking-policy/booking-policy';
import { buildBookingSchedule } from './booking-schedule';

const date = (day: string) => new Date(`${day}T00:00:00.000Z`);

describe('buildBookingSchedule', () => {
  it('copies the listed fields only, with days as YYYY-MM-DD and times in minutes', () => {
    const rule: AvailabilityRule = {
      id: 'r',
      businessId: 'b',
      serviceId: null,
      staffUserId: 'u',
      weekday: 0,
      startsAt: 540,
      endsAt: 720,
      validFrom: date('2027-01-01'),
      validUntil: null,
    };
    const hours: OpeningHours = { id: 'h', businessId: 'b', weekday: 1, opensAt: 480, closesAt: 1440 };
    const exception: AvailabilityException = {
      id: 'e',
      businessId: 'b',
      date: date('2026-12-24'),
      kind: 'SPECIAL_HOURS',
      opensAt: 600,
      closesAt: 720,
      reason: 'private',
    };
    const service = {
      id: 's',
      name: 'Cut',
      durationMinutes: 30,
      bufferBeforeMinutes: 5,
      bufferAfterMinutes: 10,
      bookableOnline: false,
      active: false,
      priceCents: 2500,
      idempotencyKey: 'secret',
    } as Service;
    const schedule = buildBookingSchedule({
      business: { id: 'b', timezone: 'Asia/Kolkata' },
      policy: defaultBookingPolicy,
      rules: [rule],
      openingHours: [hours],
      exceptions: [exception],
      services: [service],
    });
    expect(schedule).toEqual({
      businessId: 'b',
      timezone: 'Asia/Kolkata',
      policy: {
        slotMinutes: 15,
        bufferBeforeMinutes: 0,
        bufferAfterMinutes: 0,
        minNoticeMinutes: 60,
        maxAdvanceDays: 60,
        maxBookingsPerDay: null,
        approvalRequired: false,
        cancellationWindowMinutes: 120,
        spotsPerSlot: 1,
        noShowGraceMinutes: 15,
        standbyOfferMinutes: 30,
        reminderMinutesBefore: 60,
        quietHoursStart: null,
        quietHoursEnd: null,
      },
      availability: [{ serviceId: null, weekday: 0, startsAt: 540, endsAt: 720, validFrom: '2027-01-01', validUntil: null }],
      openingHours: [{ weekday: 1, opensAt: 480, closesAt: 1440 }],
      exceptions: [{ date: '2026-12-24', kind: 'SPECIAL_HOURS', opensAt: 600, closesAt: 720 }],
      services: [{ id: 's', name: 'Cut', durationMinutes: 30, bufferBeforeMinutes: 5, bufferAfterMinutes: 10, bookableOnline: false, active: false }],
    });
    // It crosses to another subgraph as JSON: nothing may be lost on the way.
    expect(JSON.parse(JSON.stringify(schedule))).toEqual(schedule);
  });
});
