import { DateTime } from 'luxon';
import type { BookingSchedule, ScheduleService } from './booking-schedule';

/** Active appointments of the business as slot capacity sees them (the Visit columns of the same names). */
export interface SlotBooking {
  blockedFrom: Date;
  blockedUntil: Date;
  /** Business-local YYYY-MM-DD. */
  bookingDay: string;
  /** How many appointments share exactly these three values (readBusinessBookings groups them); 1 when absent. */
  count?: number;
}

/** What an appointment starting at `startsAt` occupies: the columns the booking writes and the trigger checks. */
export interface Occupancy {
  scheduledEndAt: Date;
  blockedFrom: Date;
  blockedUntil: Date;
  /** Business-local YYYY-MM-DD of startsAt: the day the policy's per-day limit counts it on. */
  bookingDay: string;
}

/**
 * The buffers around an appointment are the larger of the policy's and the service's, on each
 * side, not their sum: the policy's buffer is the floor for every service (the room is tidied
 * between any two appointments) and a service that needs more preparation widens it; adding
 * them would count the same tidying twice.
 */
export function buffersOf(schedule: BookingSchedule, service: ScheduleService): { beforeMinutes: number; afterMinutes: number } {
  return {
    beforeMinutes: Math.max(schedule.policy.bufferBeforeMinutes, service.bufferBeforeMinutes),
    afterMinutes: Math.max(schedule.policy.bufferAfterMinutes, service.bufferAfterMinutes),
  };
}

export function occupancyOf(schedule: BookingSchedule, service: ScheduleService, startsAt: Date): Occupancy {
  const start = startsAt.getTime();
  return occupancyOnDay(schedule, service, start, DateTime.fromMillis(start, { zone: schedule.timezone }).toISODate()!);
}

/**
 * occupancyOf when the caller already knows the business-local date of the start: the slot
 * pipeline steps through one local date at a time, and a zone conversion per candidate was
 * most of its cost (Luxon formats through Intl on every call).
 */
export function occupancyOnDay(schedule: BookingSchedule, service: ScheduleService, start: number, bookingDay: string): Occupancy {
  const { beforeMinutes, afterMinutes } = buffersOf(schedule, service);
  const end = start + service.durationMinutes * 60_000;
  return {
    scheduledEndAt: new Date(end),
    blockedFrom: new Date(start - beforeMinutes * 60_000),
    blockedUntil: new Date(end + afterMinutes * 60_000),
    bookingDay,
  };
}

/**
 * The business's bookings indexed once for many capacity questions, each O(log n). It answers
 * with the rule of the database trigger "visit_slot_capacity" (migration
 * 20261202013734_appointments), so a slot offered here is one the database accepts:
 * an appointment fits when fewer than spotsPerSlot active appointments have a blocked range
 * strictly overlapping its own (a.from < b.until && a.until > b.from), and, with a daily limit,
 * fewer than maxBookingsPerDay share its bookingDay.
 */
export interface BookingIndex {
  /** Bookings whose blocked range strictly overlaps [from, until). */
  overlapping(from: number, until: number): number;
  onDay(bookingDay: string): number;
}

export function createBookingIndex(bookings: readonly SlotBooking[]): BookingIndex {
  // A booking overlaps [from, until) when it starts before `until` and does not end at or
  // before `from`; every booking that ends at or before `from` also starts before `until`, so
  // the count is a difference of two prefix counts over sorted starts and sorted ends. (The
  // identity needs blockedFrom <= blockedUntil, which every occupancyOf gives.)
  const starts = prefixCounts(bookings, (booking) => booking.blockedFrom.getTime());
  const ends = prefixCounts(bookings, (booking) => booking.blockedUntil.getTime());
  const days = new Map<string, number>();
  for (const booking of bookings) days.set(booking.bookingDay, (days.get(booking.bookingDay) ?? 0) + (booking.count ?? 1));
  return {
    overlapping: (from, until) => starts.total[countBelow(starts.times, until)] - ends.total[countAtOrBelow(ends.times, from)],
    onDay: (bookingDay) => days.get(bookingDay) ?? 0,
  };
}

/** The instants in order, and total[i] = how many bookings the first i instants stand for. */
function prefixCounts(bookings: readonly SlotBooking[], instant: (booking: SlotBooking) => number): { times: Float64Array; total: Float64Array } {
  const order = Array.from(bookings.keys()).sort((a, b) => instant(bookings[a]) - instant(bookings[b]));
  const times = new Float64Array(order.length);
  const total = new Float64Array(order.length + 1);
  order.forEach((index, i) => {
    times[i] = instant(bookings[index]);
    total[i + 1] = total[i] + (bookings[index].count ?? 1);
  });
  return { times, total };
}

/** Spots left for an appointment with this occupancy: per slot, capped by what is left of its day. */
export function spotsLeftFor(schedule: BookingSchedule, index: BookingIndex, occupancy: Occupancy): number {
  const { spotsPerSlot, maxBookingsPerDay } = schedule.policy;
  const slotLeft = spotsPerSlot - index.overlapping(occupancy.blockedFrom.getTime(), occupancy.blockedUntil.getTime());
  if (maxBookingsPerDay === null) return slotLeft;
  return Math.min(slotLeft, maxBookingsPerDay - index.onDay(occupancy.bookingDay));
}

/** How many values of the sorted array are < value. */
function countBelow(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid] < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** How many values of the sorted array are <= value. */
function countAtOrBelow(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid] <= value) low = mid + 1;
    else high = mid;
  }
  return low;
}
