import { parseBookingSchedule } from './booking-schedule';

const valid = () => ({
  businessId: 'biz-1',
  timezone: 'Asia/Kolkata',
  policy: {
    slotMinutes: 15,
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 5,
    minNoticeMinutes: 60,
    maxAdvanceDays: 60,
    maxBookingsPerDay: null,
    approvalRequired: false,
    cancellationWindowMinutes: 120,
    spotsPerSlot: 1,
    noShowGraceMinutes: 15,
    standbyOfferMinutes: 30,
  },
  availability: [{ serviceId: null, weekday: 0, startsAt: 540, endsAt: 1020, validFrom: '2027-01-01T00:00:00.000Z', validUntil: null }],
  openingHours: [{ weekday: 6, opensAt: 0, closesAt: 1440 }],
  exceptions: [
    { date: '2027-01-26', kind: 'HOLIDAY', opensAt: null, closesAt: null },
    { date: '2027-01-27', kind: 'SPECIAL_HOURS', opensAt: 600, closesAt: 720 },
  ],
  services: [{ id: 'svc', name: 'Check-up', durationMinutes: 30, bufferBeforeMinutes: 0, bufferAfterMinutes: 0, bookableOnline: true, active: false }],
});

describe('parseBookingSchedule', () => {
  it('accepts the business subgraph’s value and normalizes dates to YYYY-MM-DD', () => {
    const schedule = parseBookingSchedule(valid());
    expect(schedule.availability[0].validFrom).toBe('2027-01-01');
    expect(schedule.exceptions).toEqual(valid().exceptions);
    expect(schedule.services[0].active).toBe(false);
  });

  it('reads the reminder settings, and gives a schedule without them the defaults (60 minutes, no quiet hours)', () => {
    expect(parseBookingSchedule(valid()).policy).toMatchObject({ reminderMinutesBefore: 60, quietHoursStart: null, quietHoursEnd: null });
    const withReminders = { ...valid(), policy: { ...valid().policy, reminderMinutesBefore: 0, quietHoursStart: '21:00', quietHoursEnd: '08:00' } };
    expect(parseBookingSchedule(withReminders).policy).toMatchObject({ reminderMinutesBefore: 0, quietHoursStart: '21:00', quietHoursEnd: '08:00' });
  });

  it.each([
    ['no policy', (v: ReturnType<typeof valid>) => ({ ...v, policy: undefined }), 'bookingSchedule.policy must be an object, received undefined'],
    [
      'an unknown zone',
      (v: ReturnType<typeof valid>) => ({ ...v, timezone: 'Mars/Olympus' }),
      'bookingSchedule.timezone must be an IANA time zone, received "Mars/Olympus"',
    ],
    [
      'a window ending before it starts',
      (v: ReturnType<typeof valid>) => ({ ...v, availability: [{ ...v.availability[0], endsAt: 500 }] }),
      'bookingSchedule.availability[0] must be a window that starts before it ends',
    ],
    [
      'special hours without hours',
      (v: ReturnType<typeof valid>) => ({ ...v, exceptions: [{ ...v.exceptions[1], closesAt: null }] }),
      'bookingSchedule.exceptions[0].closesAt must be an integer',
    ],
    [
      'a fractional duration',
      (v: ReturnType<typeof valid>) => ({ ...v, services: [{ ...v.services[0], durationMinutes: 7.5 }] }),
      'bookingSchedule.services[0].durationMinutes must be an integer',
    ],
    [
      'a bad date',
      (v: ReturnType<typeof valid>) => ({ ...v, exceptions: [{ ...v.exceptions[0], date: '26/01/2027' }] }),
      'bookingSchedule.exceptions[0].date must be a date (YYYY-MM-DD), received "26/01/2027"',
    ],
    [
      'half of the quiet hours',
      (v: ReturnType<typeof valid>) => ({ ...v, policy: { ...v.policy, quietHoursStart: '21:00', quietHoursEnd: null } }),
      'bookingSchedule.policy.quietHours must be both start and end, or neither',
    ],
    [
      'a bad quiet hour',
      (v: ReturnType<typeof valid>) => ({ ...v, policy: { ...v.policy, quietHoursStart: '9pm', quietHoursEnd: '08:00' } }),
      'bookingSchedule.policy.quietHoursStart must be a time of day (HH:MM), received "9pm"',
    ],
    [
      'a negative reminder time',
      (v: ReturnType<typeof valid>) => ({ ...v, policy: { ...v.policy, reminderMinutesBefore: -5 } }),
      'bookingSchedule.policy.reminderMinutesBefore must be an integer',
    ],
  ])('refuses %s with a message naming the path', (_name, change, message) => {
    expect(() => parseBookingSchedule(change(valid()))).toThrow(message);
  });
});
