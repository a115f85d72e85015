import { AppError } from '@waitlessq/errors';
import type { AvailabilityWindow, BookingSchedule, ScheduleService } from './booking-schedule';
import { availableSlots, findSlot, occupancyOf, type SlotBooking, type SlotsInput } from './slots';
import { createBookingIndex } from './slots-capacity';
import { toInstants } from './slots-windows';

// Europe/Berlin in January is UTC+1: 09:00 local = 08:00Z. 2027-01-11 and 2027-01-18 are Mondays.
const MONDAY = '2027-01-11';
const NEXT_MONDAY = '2027-01-18';

const service = (overrides: Partial<ScheduleService> = {}): ScheduleService => ({
  id: 'svc-a',
  name: 'Haircut',
  durationMinutes: 60,
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0,
  bookableOnline: true,
  active: true,
  ...overrides,
});

const window = (weekday: number, from: string, until: string, overrides: Partial<AvailabilityWindow> = {}): AvailabilityWindow => ({
  serviceId: null,
  weekday,
  startsAt: minutes(from),
  endsAt: minutes(until),
  validFrom: null,
  validUntil: null,
  ...overrides,
});

function minutes(time: string): number {
  const [hours, mins] = time.split(':').map(Number);
  return hours * 60 + mins;
}

function schedule(overrides: Partial<Omit<BookingSchedule, 'policy'>> & { policy?: Partial<BookingSchedule['policy']> } = {}): BookingSchedule {
  return {
    businessId: 'biz-1',
    timezone: 'Europe/Berlin',
    availability: [window(0, '09:00', '12:00')],
    openingHours: [],
    exceptions: [],
    services: [service(), service({ id: 'svc-b', name: 'Shave' })],
    ...overrides,
    policy: {
      slotMinutes: 60,
      bufferBeforeMinutes: 0,
      bufferAfterMinutes: 0,
      minNoticeMinutes: 0,
      maxAdvanceDays: 365,
      maxBookingsPerDay: null,
      approvalRequired: false,
      cancellationWindowMinutes: 120,
      spotsPerSlot: 1,
      noShowGraceMinutes: 15,
      standbyOfferMinutes: 30,
      reminderMinutesBefore: 60,
      quietHoursStart: null,
      quietHoursEnd: null,
      ...overrides.policy,
    },
  };
}

const at = (iso: string) => new Date(iso);
const dayOf = (date: string) => ({ from: at(`${date}T00:00:00Z`), to: at(`${date}T23:59:59Z`) });

function slots(input: Partial<SlotsInput> & { schedule: BookingSchedule }) {
  return availableSlots({ serviceId: 'svc-a', ...dayOf(MONDAY), now: at('2027-01-01T00:00:00Z'), bookings: [], ...input });
}
const starts = (input: Partial<SlotsInput> & { schedule: BookingSchedule }) => slots(input).map((slot) => slot.startsAt.toISOString());

function booking(from: string, until: string, bookingDay = MONDAY): SlotBooking {
  return { blockedFrom: at(from), blockedUntil: at(until), bookingDay };
}

function expectBadInput(fn: () => unknown, field: string) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', details: { field } });
    return;
  }
  throw new Error('expected BAD_USER_INPUT');
}

describe('windows', () => {
  it('steps through weekly windows with a break, each slot with its end and spots', () => {
    const result = slots({ schedule: schedule({ availability: [window(0, '09:00', '12:00'), window(0, '13:00', '15:00')] }) });
    expect(result.map((slot) => [slot.startsAt.toISOString(), slot.endsAt.toISOString(), slot.spotsLeft])).toEqual([
      ['2027-01-11T08:00:00.000Z', '2027-01-11T09:00:00.000Z', 1],
      ['2027-01-11T09:00:00.000Z', '2027-01-11T10:00:00.000Z', 1],
      ['2027-01-11T10:00:00.000Z', '2027-01-11T11:00:00.000Z', 1],
      ['2027-01-11T12:00:00.000Z', '2027-01-11T13:00:00.000Z', 1],
      ['2027-01-11T13:00:00.000Z', '2027-01-11T14:00:00.000Z', 1],
    ]);
  });

  it('offers only starts whose whole service fits before the window ends', () => {
    const result = starts({ schedule: schedule({ policy: { slotMinutes: 45 } }) });
    // 09:00, 09:45, 10:30 local; 11:15 + 60 minutes would end after 12:00.
    expect(result).toEqual(['2027-01-11T08:00:00.000Z', '2027-01-11T08:45:00.000Z', '2027-01-11T09:30:00.000Z']);
  });

  it('uses the service’s own windows over the business-wide ones, on every day', () => {
    const availability = [
      window(0, '09:00', '12:00'),
      window(0, '10:00', '11:00', { serviceId: 'svc-a' }),
      window(1, '14:00', '15:00', { serviceId: 'svc-a' }),
    ];
    expect(starts({ schedule: schedule({ availability }) })).toEqual(['2027-01-11T09:00:00.000Z']);
    expect(starts({ schedule: schedule({ availability }), serviceId: 'svc-b' })).toHaveLength(3);
    // A service with windows on Tuesday only is not bookable on Monday under the business's hours.
    const tuesdayOnly = [window(0, '09:00', '12:00'), window(1, '14:00', '15:00', { serviceId: 'svc-a' })];
    expect(starts({ schedule: schedule({ availability: tuesdayOnly }) })).toEqual([]);
    expect(starts({ schedule: schedule({ availability: tuesdayOnly }), ...dayOf('2027-01-12') })).toEqual(['2027-01-12T13:00:00.000Z']);
  });

  it('falls back to opening hours only when the business has no availability window at all', () => {
    const openingHours = [
      { weekday: 0, opensAt: minutes('08:00'), closesAt: minutes('10:00') },
      { weekday: 1, opensAt: minutes('08:00'), closesAt: minutes('18:00') },
    ];
    expect(starts({ schedule: schedule({ availability: [], openingHours }) })).toEqual(['2027-01-11T07:00:00.000Z', '2027-01-11T08:00:00.000Z']);
    const otherServiceOnly = [window(0, '09:00', '12:00', { serviceId: 'svc-b' })];
    expect(starts({ schedule: schedule({ availability: otherServiceOnly, openingHours }) })).toEqual([]);
  });

  it('honours validFrom and validUntil as inclusive business-local dates', () => {
    const availability = [window(0, '09:00', '10:00', { validUntil: MONDAY }), window(0, '14:00', '15:00', { validFrom: NEXT_MONDAY })];
    const range = { from: at('2027-01-11T00:00:00Z'), to: at('2027-01-19T00:00:00Z') };
    expect(starts({ schedule: schedule({ availability }), ...range })).toEqual(['2027-01-11T08:00:00.000Z', '2027-01-18T13:00:00.000Z']);
  });

  it('lets an exception of the date win: CLOSED and HOLIDAY close, SPECIAL_HOURS replace the hours', () => {
    const week = { from: at('2027-01-11T00:00:00Z'), to: at('2027-01-19T00:00:00Z') };
    const closed = schedule({ exceptions: [{ date: MONDAY, kind: 'CLOSED', opensAt: null, closesAt: null }] });
    expect(starts({ schedule: closed, ...week })).toEqual(['2027-01-18T08:00:00.000Z', '2027-01-18T09:00:00.000Z', '2027-01-18T10:00:00.000Z']);
    const holiday = schedule({ exceptions: [{ date: NEXT_MONDAY, kind: 'HOLIDAY', opensAt: null, closesAt: null }] });
    expect(starts({ schedule: holiday, ...week })).toEqual(['2027-01-11T08:00:00.000Z', '2027-01-11T09:00:00.000Z', '2027-01-11T10:00:00.000Z']);
    // Special hours apply even on a Sunday that has no weekly window, and to services with their own windows.
    const special = schedule({
      availability: [window(0, '09:00', '12:00', { serviceId: 'svc-a' })],
      exceptions: [
        { date: MONDAY, kind: 'SPECIAL_HOURS', opensAt: minutes('14:00'), closesAt: minutes('16:00') },
        { date: '2027-01-17', kind: 'SPECIAL_HOURS', opensAt: minutes('10:00'), closesAt: minutes('11:00') },
      ],
    });
    expect(starts({ schedule: special, ...week })).toEqual([
      '2027-01-11T13:00:00.000Z',
      '2027-01-11T14:00:00.000Z',
      '2027-01-17T09:00:00.000Z',
      '2027-01-18T08:00:00.000Z',
      '2027-01-18T09:00:00.000Z',
      '2027-01-18T10:00:00.000Z',
    ]);
  });
});

describe('occupancy and capacity', () => {
  it('widens an appointment by the larger buffer of policy and service on each side', () => {
    const rules = schedule({ policy: { bufferBeforeMinutes: 10, bufferAfterMinutes: 20 } });
    const withBuffers = service({ bufferBeforeMinutes: 15, bufferAfterMinutes: 5 });
    expect(occupancyOf(rules, withBuffers, at('2027-01-11T08:00:00Z'))).toEqual({
      scheduledEndAt: at('2027-01-11T09:00:00Z'),
      blockedFrom: at('2027-01-11T07:45:00Z'),
      blockedUntil: at('2027-01-11T09:20:00Z'),
      bookingDay: MONDAY,
    });
  });

  it('keeps buffers clear of existing bookings; touching ranges do not overlap', () => {
    const taken = [booking('2027-01-11T10:00:00Z', '2027-01-11T10:30:00Z')];
    const base = { availability: [window(0, '09:00', '13:00')], services: [service({ durationMinutes: 30 })] };
    expect(starts({ schedule: schedule({ ...base, policy: { slotMinutes: 30 } }), bookings: taken })).toEqual(
      ['08:00', '08:30', '09:00', '09:30', '10:30', '11:00', '11:30'].map((time) => `2027-01-11T${time}:00.000Z`),
    );
    const buffered = schedule({
      ...base,
      services: [service({ durationMinutes: 30, bufferBeforeMinutes: 15 })],
      policy: { slotMinutes: 30, bufferAfterMinutes: 20 },
    });
    // A start t blocks [t - 15 min, t + 50 min): 09:30, 10:00 and 10:30 would overlap [10:00, 10:30).
    expect(starts({ schedule: buffered, bookings: taken })).toEqual(['08:00', '08:30', '09:00', '11:00', '11:30'].map((time) => `2027-01-11T${time}:00.000Z`));
  });

  it('counts spots per slot against the bookings that overlap it, and omits full slots', () => {
    const rules = schedule({ policy: { spotsPerSlot: 3 } });
    const bookings = [
      booking('2027-01-11T08:00:00Z', '2027-01-11T09:00:00Z'),
      booking('2027-01-11T08:30:00Z', '2027-01-11T09:30:00Z'),
      booking('2027-01-11T10:00:00Z', '2027-01-11T11:00:00Z'),
    ];
    const spots = (list: SlotBooking[]) =>
      slots({ schedule: rules, bookings: list }).map((slot) => [slot.startsAt.toISOString().slice(11, 16), slot.spotsLeft]);
    expect(spots(bookings)).toEqual([
      ['08:00', 1],
      ['09:00', 2],
      ['10:00', 2],
    ]);
    expect(spots([...bookings, booking('2027-01-11T07:30:00Z', '2027-01-11T08:15:00Z')])).toEqual([
      ['09:00', 2],
      ['10:00', 2],
    ]);
  });

  it('caps spots by what is left of the business-local day and closes a full day', () => {
    const rules = schedule({ policy: { spotsPerSlot: 5, maxBookingsPerDay: 3 } });
    const range = { from: at('2027-01-11T00:00:00Z'), to: at('2027-01-19T00:00:00Z') };
    const two = [booking('2027-01-11T12:00:00Z', '2027-01-11T13:00:00Z'), booking('2027-01-11T13:00:00Z', '2027-01-11T14:00:00Z')];
    expect(slots({ schedule: rules, ...range, bookings: two }).map((slot) => slot.spotsLeft)).toEqual([1, 1, 1, 3, 3, 3]);
    const three = [...two, booking('2027-01-11T14:00:00Z', '2027-01-11T15:00:00Z')];
    expect(starts({ schedule: rules, ...range, bookings: three })).toEqual([
      '2027-01-18T08:00:00.000Z',
      '2027-01-18T09:00:00.000Z',
      '2027-01-18T10:00:00.000Z',
    ]);
  });

  it('counts overlaps exactly like the database rule, for any bookings', () => {
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    // Some grouped (count > 1, as readBusinessBookings returns them), some zero-length.
    const bookings = Array.from({ length: 400 }, () => {
      const from = Math.floor(random() * 1000);
      return { blockedFrom: new Date(from), blockedUntil: new Date(from + Math.floor(random() * 60)), bookingDay: MONDAY, count: 1 + Math.floor(random() * 3) };
    });
    const index = createBookingIndex(bookings);
    for (let i = 0; i < 500; i += 1) {
      const from = Math.floor(random() * 1100) - 50;
      const until = from + 1 + Math.floor(random() * 80);
      const expected = bookings.filter((b) => b.blockedFrom.getTime() < until && b.blockedUntil.getTime() > from).reduce((sum, b) => sum + b.count, 0);
      expect(index.overlapping(from, until)).toBe(expected);
    }
    expect(index.onDay(MONDAY)).toBe(bookings.reduce((sum, b) => sum + b.count, 0));
  });
});

describe('when a slot may start', () => {
  it('never before now plus the minimum notice', () => {
    const rules = schedule({ policy: { minNoticeMinutes: 60 } });
    expect(starts({ schedule: rules, now: at('2027-01-11T07:10:00Z') })).toEqual(['2027-01-11T09:00:00.000Z', '2027-01-11T10:00:00.000Z']);
    expect(starts({ schedule: rules, now: at('2027-01-11T07:00:00Z') })).toEqual([
      '2027-01-11T08:00:00.000Z',
      '2027-01-11T09:00:00.000Z',
      '2027-01-11T10:00:00.000Z',
    ]);
    // Nothing in the past, even with no notice.
    expect(starts({ schedule: schedule(), now: at('2027-01-11T09:00:00.001Z') })).toEqual(['2027-01-11T10:00:00.000Z']);
  });

  it('never after now plus maxAdvanceDays', () => {
    const rules = schedule({ policy: { maxAdvanceDays: 10 } });
    expect(starts({ schedule: rules, now: at('2027-01-01T09:00:00Z') })).toEqual(['2027-01-11T08:00:00.000Z', '2027-01-11T09:00:00.000Z']);
    expect(starts({ schedule: rules, now: at('2026-12-31T12:00:00Z') })).toEqual([]);
  });

  it('only inside [from, to)', () => {
    expect(starts({ schedule: schedule(), from: at('2027-01-11T08:30:00Z'), to: at('2027-01-11T10:00:00Z') })).toEqual(['2027-01-11T09:00:00.000Z']);
    expect(starts({ schedule: schedule(), from: at('2027-01-11T08:00:00Z'), to: at('2027-01-11T08:00:00.001Z') })).toEqual(['2027-01-11T08:00:00.000Z']);
  });
});

describe('time zones', () => {
  const newYork = (weekday: number, from: string, until: string, step = 60) =>
    schedule({
      timezone: 'America/New_York',
      availability: [window(weekday, from, until)],
      policy: { slotMinutes: step },
      services: [service({ durationMinutes: step })],
    });
  const iso = (dates: Date[]) => dates.map((date) => date.toISOString());

  it('has 3 real hours in 00:00-04:00 on the March change in New York, and never 02:00 local', () => {
    // Sunday 2027-03-14: 00:00 EST = 05:00Z, 02:00 EST jumps to 03:00 EDT = 07:00Z, 04:00 EDT = 08:00Z.
    const range = { from: at('2027-03-14T00:00:00Z'), to: at('2027-03-15T12:00:00Z') };
    expect(toInstants('2027-03-14', { startsAt: 0, endsAt: minutes('04:00') }, 'America/New_York')).toEqual({
      startsAt: at('2027-03-14T05:00:00Z').getTime(),
      endsAt: at('2027-03-14T08:00:00Z').getTime(),
    });
    expect(starts({ schedule: newYork(6, '00:00', '04:00'), ...range })).toEqual([
      '2027-03-14T05:00:00.000Z',
      '2027-03-14T06:00:00.000Z',
      '2027-03-14T07:00:00.000Z',
    ]);
    expect(starts({ schedule: newYork(6, '00:00', '04:00', 30), ...range })).toHaveLength(6);
    // A window that starts at a time the change skips begins when the day resumes (02:30 -> 03:30 EDT).
    expect(starts({ schedule: newYork(6, '02:30', '04:00', 30), ...range })).toEqual(['2027-03-14T07:30:00.000Z']);
  });

  it('makes a whole day (00:00-24:00) 23, 24 or 25 hours long in New York', () => {
    const hours = (date: string) => {
      const { startsAt, endsAt } = toInstants(date, { startsAt: 0, endsAt: 1440 }, 'America/New_York');
      return (endsAt - startsAt) / 3_600_000;
    };
    expect([hours('2027-03-13'), hours('2027-03-14'), hours('2026-11-01')]).toEqual([24, 23, 25]);
  });

  it('has 5 real hours in 00:00-04:00 on the November change in New York', () => {
    // Sunday 2026-11-01: 00:00 EDT = 04:00Z, 01:00 happens twice (05:00Z and 06:00Z), 04:00 EST = 09:00Z.
    const range = { from: at('2026-11-01T00:00:00Z'), to: at('2026-11-02T00:00:00Z') };
    expect(starts({ schedule: newYork(6, '00:00', '04:00'), ...range, now: at('2026-10-01T00:00:00Z') })).toEqual(
      ['04', '05', '06', '07', '08'].map((hour) => `2026-11-01T${hour}:00:00.000Z`),
    );
  });

  it('keeps 09:00 local at 09:00 on both sides of a change', () => {
    const weekdays = schedule({ timezone: 'America/New_York', availability: [window(0, '09:00', '10:00')] });
    const range = { from: at('2027-03-08T00:00:00Z'), to: at('2027-03-16T00:00:00Z') };
    expect(starts({ schedule: weekdays, ...range })).toEqual(['2027-03-08T14:00:00.000Z', '2027-03-15T13:00:00.000Z']);
    const autumn = { from: at('2026-10-26T00:00:00Z'), to: at('2026-11-03T00:00:00Z'), now: at('2026-10-01T00:00:00Z') };
    expect(starts({ schedule: weekdays, ...autumn })).toEqual(['2026-10-26T13:00:00.000Z', '2026-11-02T14:00:00.000Z']);
  });

  it('puts 09:00 in Kolkata at 03:30Z and counts the day by the local date', () => {
    const kolkata = schedule({
      timezone: 'Asia/Kolkata',
      availability: [window(0, '09:00', '10:00'), window(1, '00:00', '01:00')],
      policy: { slotMinutes: 30 },
      services: [service({ durationMinutes: 30 })],
    });
    expect(starts({ schedule: kolkata, from: at('2027-01-10T18:00:00Z'), to: at('2027-01-11T18:00:00Z') })).toEqual([
      '2027-01-11T03:30:00.000Z',
      '2027-01-11T04:00:00.000Z',
    ]);
    // 00:30 on Tuesday 12 January in Kolkata is still Monday evening in UTC.
    const tuesday = starts({ schedule: kolkata, from: at('2027-01-11T18:00:00Z'), to: at('2027-01-12T00:00:00Z') });
    expect(tuesday).toEqual(['2027-01-11T18:30:00.000Z', '2027-01-11T19:00:00.000Z']);
    expect(occupancyOf(kolkata, service(), at(tuesday[1])).bookingDay).toBe('2027-01-12');
  });

  it('applies the per-day limit to the business-local day, not the UTC one', () => {
    const kolkata = schedule({
      timezone: 'Asia/Kolkata',
      availability: [window(0, '09:00', '10:00'), window(1, '00:00', '01:00')],
      policy: { slotMinutes: 30, maxBookingsPerDay: 1 },
      services: [service({ durationMinutes: 30 })],
    });
    const range = { from: at('2027-01-11T00:00:00Z'), to: at('2027-01-12T00:00:00Z') };
    // Booked on Tuesday 12 January locally (an instant still on Monday in UTC): Tuesday is full, Monday is not.
    const tuesday = [booking('2027-01-12T02:00:00Z', '2027-01-12T02:30:00Z', '2027-01-12')];
    expect(starts({ schedule: kolkata, ...range, bookings: tuesday })).toEqual(['2027-01-11T03:30:00.000Z', '2027-01-11T04:00:00.000Z']);
    const monday = [booking('2027-01-11T05:00:00Z', '2027-01-11T05:30:00Z', MONDAY)];
    expect(starts({ schedule: kolkata, ...range, bookings: monday })).toEqual(['2027-01-11T18:30:00.000Z', '2027-01-11T19:00:00.000Z']);
  });

  it('marks slot ends in absolute time across a change', () => {
    const result = slots({ schedule: newYork(6, '01:00', '04:00', 60), from: at('2027-03-14T00:00:00Z'), to: at('2027-03-15T00:00:00Z') });
    expect(iso(result.map((slot) => slot.endsAt))).toEqual(['2027-03-14T07:00:00.000Z', '2027-03-14T08:00:00.000Z']);
  });
});

describe('findSlot', () => {
  const input = { schedule: schedule({ policy: { spotsPerSlot: 2 } }), serviceId: 'svc-a', now: at('2027-01-01T00:00:00Z') };

  it('returns the offered slot at exactly that start, or null', () => {
    expect(findSlot({ ...input, bookings: [], startsAt: at('2027-01-11T09:00:00Z') })).toEqual({
      startsAt: at('2027-01-11T09:00:00Z'),
      endsAt: at('2027-01-11T10:00:00Z'),
      spotsLeft: 2,
    });
    expect(findSlot({ ...input, bookings: [], startsAt: at('2027-01-11T09:10:00Z') })).toBeNull();
    expect(findSlot({ ...input, bookings: [], startsAt: at('2027-01-11T12:00:00Z') })).toBeNull();
    const full = [booking('2027-01-11T09:00:00Z', '2027-01-11T10:00:00Z'), booking('2027-01-11T09:30:00Z', '2027-01-11T09:45:00Z')];
    expect(findSlot({ ...input, bookings: full, startsAt: at('2027-01-11T09:00:00Z') })).toBeNull();
    expect(findSlot({ ...input, bookings: [], now: at('2027-01-11T09:00:00.001Z'), startsAt: at('2027-01-11T09:00:00Z') })).toBeNull();
  });
});

describe('input errors', () => {
  const base = {
    schedule: schedule({ services: [service(), service({ id: 'old', active: false }), service({ id: 'phone', bookableOnline: false })] }),
    now: at('2027-01-01T00:00:00Z'),
    bookings: [],
  };

  it('refuses an unknown, inactive or offline-only service (field serviceId)', () => {
    for (const serviceId of ['nope', 'old', 'phone']) {
      expectBadInput(() => availableSlots({ ...base, serviceId, ...dayOf(MONDAY) }), 'serviceId');
      expectBadInput(() => findSlot({ ...base, serviceId, startsAt: at('2027-01-11T08:00:00Z') }), 'serviceId');
    }
  });

  it('refuses a range that is empty, backwards or longer than 92 days (field to)', () => {
    const ask = (from: string, to: string) => () => availableSlots({ ...base, serviceId: 'svc-a', from: at(from), to: at(to) });
    expectBadInput(ask('2027-01-11T00:00:00Z', '2027-01-11T00:00:00Z'), 'to');
    expectBadInput(ask('2027-01-11T00:00:00Z', '2027-01-10T00:00:00Z'), 'to');
    expectBadInput(ask('2027-01-01T00:00:00Z', '2027-04-03T00:00:00.001Z'), 'to');
    expect(ask('2027-01-01T00:00:00Z', '2027-04-03T00:00:00Z')()).toHaveLength(39);
  });
});
