import { DateTime } from 'luxon';
import type { AvailabilityWindow, BookingSchedule } from './booking-schedule';

/** Minutes after local midnight, start inclusive, end exclusive (at most 1440). */
export interface LocalWindow {
  startsAt: number;
  endsAt: number;
}

/** A window as instants (epoch milliseconds): its real length, daylight-saving changes included. */
export interface InstantWindow {
  startsAt: number;
  endsAt: number;
}

/**
 * The windows in which `serviceId` can be booked on a business-local `date` (YYYY-MM-DD), the
 * first rule that applies winning:
 * 1. an exception of that date: CLOSED or HOLIDAY gives none, SPECIAL_HOURS its hours;
 * 2. the service's own windows of that weekday valid on that date, if the service has any
 *    window at all (on any day: a service with its own hours is not bookable outside them);
 * 3. the business-wide windows (serviceId null) of that weekday valid on that date;
 * 4. if the business has no availability window at all (for any service), its opening hours.
 * A business with windows for some services only offers the others nothing (rule 3 is empty):
 * once a manager starts defining availability, opening hours no longer stand in for it.
 * Overlapping or touching windows are merged, so no start is offered twice.
 */
export function windowsOn(schedule: BookingSchedule, serviceId: string, date: string): LocalWindow[] {
  const exception = schedule.exceptions.find((candidate) => candidate.date === date);
  if (exception) {
    return exception.kind === 'SPECIAL_HOURS' ? [{ startsAt: exception.opensAt!, endsAt: exception.closesAt! }] : [];
  }
  const weekday = weekdayOf(date);
  if (schedule.availability.length === 0) {
    return mergeWindows(
      schedule.openingHours.filter((hours) => hours.weekday === weekday).map((hours) => ({ startsAt: hours.opensAt, endsAt: hours.closesAt })),
    );
  }
  const own = schedule.availability.filter((window) => window.serviceId === serviceId);
  const applicable = own.length > 0 ? own : schedule.availability.filter((window) => window.serviceId === null);
  return mergeWindows(applicable.filter((window) => window.weekday === weekday && isValidOn(window, date)));
}

/** 0 = Monday ... 6 = Sunday, as the business subgraph stores weekdays. */
export function weekdayOf(date: string): number {
  // A calendar date's weekday needs no zone; Date's Sunday = 0 becomes 6.
  return (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
}

/** validFrom and validUntil are inclusive business-local dates; YYYY-MM-DD strings compare in date order. */
function isValidOn(window: AvailabilityWindow, date: string): boolean {
  return (window.validFrom === null || window.validFrom <= date) && (window.validUntil === null || date <= window.validUntil);
}

export function mergeWindows(windows: LocalWindow[]): LocalWindow[] {
  const sorted = [...windows].sort((a, b) => a.startsAt - b.startsAt);
  const merged: LocalWindow[] = [];
  for (const window of sorted) {
    const last = merged[merged.length - 1];
    if (last && window.startsAt <= last.endsAt) last.endsAt = Math.max(last.endsAt, window.endsAt);
    else merged.push({ startsAt: window.startsAt, endsAt: window.endsAt });
  }
  return merged;
}

/**
 * A local window of `date` as instants in `zone`. Luxon resolves each wall-clock time: a time
 * skipped by a spring-forward change moves forward by the gap (02:30 on such a day in New York
 * is 03:30 EDT), a repeated autumn time takes its first occurrence, and 24:00 is the next
 * local midnight. The length of the result is the real one (00:00-04:00 is 3 hours on the
 * March change and 5 on the November one in New York).
 */
export function toInstants(date: string, window: LocalWindow, zone: string): InstantWindow {
  return { startsAt: localInstant(date, window.startsAt, zone), endsAt: localInstant(date, window.endsAt, zone) };
}

function localInstant(date: string, minuteOfDay: number, zone: string): number {
  const [year, month, day] = date.split('-').map(Number);
  if (minuteOfDay >= 24 * 60) return DateTime.fromObject({ year, month, day }, { zone }).plus({ days: 1 }).startOf('day').toMillis();
  return DateTime.fromObject({ year, month, day, hour: Math.floor(minuteOfDay / 60), minute: minuteOfDay % 60 }, { zone }).toMillis();
}

/**
 * Candidate starts of a window stepped in absolute time every `stepMinutes` from its start,
 * while start + duration fits (never a local time that does not exist: nothing is built from
 * wall-clock times here). Only starts inside [notBefore, notAfter] are returned.
 */
export function candidateStarts(window: InstantWindow, stepMinutes: number, durationMinutes: number, notBefore: number, notAfter: number): number[] {
  const step = stepMinutes * 60_000;
  const duration = durationMinutes * 60_000;
  // Skip the steps before notBefore without walking them: the grid stays anchored at the window's start.
  const skipped = notBefore > window.startsAt ? Math.ceil((notBefore - window.startsAt) / step) : 0;
  const starts: number[] = [];
  for (let start = window.startsAt + skipped * step; start + duration <= window.endsAt && start <= notAfter; start += step) starts.push(start);
  return starts;
}

/** The business-local dates (YYYY-MM-DD) from the one holding `from` to the one holding `until`, both included. */
export function localDates(from: number, until: number, zone: string): string[] {
  const dates: string[] = [];
  const last = DateTime.fromMillis(until, { zone }).toISODate()!;
  for (let day = DateTime.fromMillis(from, { zone }).startOf('day'); ; day = day.plus({ days: 1 })) {
    const date = day.toISODate()!;
    dates.push(date);
    if (date >= last) return dates;
  }
}
