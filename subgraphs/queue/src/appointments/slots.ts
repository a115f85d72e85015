import { DateTime } from 'luxon';
import { AppError } from '@waitlessq/errors';
import type { BookingSchedule, ScheduleService } from './booking-schedule';
import { createBookingIndex, occupancyOnDay, spotsLeftFor, type SlotBooking } from './slots-capacity';
import { candidateStarts, localDates, toInstants, windowsOn } from './slots-windows';

export { buffersOf, createBookingIndex, occupancyOf, type Occupancy, type SlotBooking } from './slots-capacity';
export { readBusinessBookings } from './slots-bookings';

/** A bookable start with the spots it has left (never 0: full slots are not offered). */
export interface Slot {
  startsAt: Date;
  endsAt: Date;
  spotsLeft: number;
}

export interface SlotsInput {
  schedule: BookingSchedule;
  serviceId: string;
  /** Slots start in [from, to). */
  from: Date;
  to: Date;
  now: Date;
  /** The business's active appointments around the range (readBusinessBookings). */
  bookings: readonly SlotBooking[];
}

/** The longest range one question may cover: a quarter, with room for a 31-day month's edges. */
export const MAX_RANGE_DAYS = 92;

/**
 * The slots of a service in [from, to), as a pipeline of small steps (each exported and tested
 * on its own in slots-windows.ts and slots-capacity.ts):
 *   the bookable service → the instants the policy allows (min notice, max advance, the range)
 *   → business-local dates → their windows (exception, service, business, opening hours)
 *   → instants in the business's zone → starts stepped every slotMinutes
 *   → what each would occupy → spots left against the bookings (same rule as the database).
 * Cost: O(bookings · log bookings) once, then O(log bookings) per candidate start.
 */
export function availableSlots(input: SlotsInput): Slot[] {
  const service = bookableService(input.schedule, input.serviceId);
  checkRange(input.from, input.to);
  return slotsOf(input, service);
}

/**
 * The slot starting exactly at `startsAt` if it is offered now (bookable service, inside the
 * policy's notice and advance, with a spot left), else null. The booking code calls it before
 * writing; the database trigger still has the last word under concurrency.
 */
export function findSlot(input: Omit<SlotsInput, 'from' | 'to'> & { startsAt: Date }): Slot | null {
  const service = bookableService(input.schedule, input.serviceId);
  const from = input.startsAt;
  const slots = slotsOf({ ...input, from, to: new Date(from.getTime() + 1) }, service);
  return slots.find((slot) => slot.startsAt.getTime() === from.getTime()) ?? null;
}

/** An active service of the business that customers may book online; anything else is the caller's mistake. */
export function bookableService(schedule: BookingSchedule, serviceId: string): ScheduleService {
  const service = schedule.services.find((candidate) => candidate.id === serviceId);
  if (!service) throw badInput('serviceId', 'is not a service of this business.');
  if (!service.active) throw badInput('serviceId', 'is a service that is no longer offered.');
  if (!service.bookableOnline) throw badInput('serviceId', 'is a service that cannot be booked online.');
  return service;
}

export function checkRange(from: Date, to: Date): void {
  if (to.getTime() <= from.getTime()) throw badInput('to', 'must be after from.');
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * 24 * 60 * 60_000) throw badInput('to', `must be at most ${MAX_RANGE_DAYS} days after from.`);
}

/**
 * The instants a slot may start at: not before now + minimum notice nor before `from`; not
 * after now + maxAdvanceDays (calendar days in the business's zone, so a daylight-saving
 * change does not move the horizon by an hour) and before `to`. Null when nothing is left.
 */
export function bookableBounds(schedule: BookingSchedule, now: Date, from: Date, to: Date): { notBefore: number; notAfter: number } | null {
  const { minNoticeMinutes, maxAdvanceDays } = schedule.policy;
  const notBefore = Math.max(from.getTime(), now.getTime() + minNoticeMinutes * 60_000);
  const horizon = DateTime.fromJSDate(now, { zone: schedule.timezone }).plus({ days: maxAdvanceDays }).toMillis();
  const notAfter = Math.min(horizon, to.getTime() - 1);
  return notBefore <= notAfter ? { notBefore, notAfter } : null;
}

function slotsOf(input: SlotsInput, service: ScheduleService): Slot[] {
  const { schedule } = input;
  const bounds = bookableBounds(schedule, input.now, input.from, input.to);
  if (!bounds) return [];
  const index = createBookingIndex(input.bookings);
  const slots: Slot[] = [];
  for (const date of localDates(bounds.notBefore, bounds.notAfter, schedule.timezone)) {
    for (const window of windowsOn(schedule, service.id, date)) {
      const instants = toInstants(date, window, schedule.timezone);
      for (const start of candidateStarts(instants, schedule.policy.slotMinutes, service.durationMinutes, bounds.notBefore, bounds.notAfter)) {
        // Every start of a window of `date` is on `date` locally: the window lies within the
        // date's local midnights, so this equals occupancyOf without a zone conversion.
        const occupancy = occupancyOnDay(schedule, service, start, date);
        const spotsLeft = spotsLeftFor(schedule, index, occupancy);
        if (spotsLeft > 0) slots.push({ startsAt: new Date(start), endsAt: occupancy.scheduledEndAt, spotsLeft });
      }
    }
  }
  return slots;
}

function badInput(field: string, problem: string): AppError {
  return new AppError('BAD_USER_INPUT', `${field} ${problem}`, { field });
}
