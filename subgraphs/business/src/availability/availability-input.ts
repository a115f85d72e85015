import { formatTime, parseTime, weekdayNames } from '../opening-hours/opening-hours';
import { badInput } from '@waitlessq/validation';
import { optionalCalendarDate } from './calendar-dates';

export interface AvailabilityIntervalInput {
  weekday: number;
  startsAt: string;
  endsAt: string;
}

export interface SetAvailabilityInput {
  businessId: string;
  serviceId?: string | null;
  intervals: readonly AvailabilityIntervalInput[];
  validFrom?: string | null;
  validUntil?: string | null;
}

/** As stored: weekday 0 = Monday ... 6 = Sunday, times in minutes after local midnight. */
export interface AvailabilityInterval {
  weekday: number;
  startsAt: number;
  endsAt: number;
}

export interface AvailabilityWeek {
  intervals: AvailabilityInterval[];
  /** Both ends inclusive, YYYY-MM-DD; null is open-ended. */
  validFrom: string | null;
  validUntil: string | null;
}

/** A week of 15-minute windows with breaks between each: far more than any real schedule. */
const MAX_INTERVALS = 200;

/**
 * Checks the weekly windows of one scope (the business, or one service) and returns them
 * sorted by weekday and time. Each window lies within one day ("24:00" ends at midnight); a
 * day may hold several (the gaps are breaks), touching but not overlapping.
 */
export function parseAvailabilityWeek(input: Pick<SetAvailabilityInput, 'intervals' | 'validFrom' | 'validUntil'>): AvailabilityWeek {
  if (input.intervals.length > MAX_INTERVALS) throw badInput('intervals', `may hold at most ${MAX_INTERVALS} intervals`);
  const intervals = input.intervals.map(parseInterval).sort((a, b) => a.weekday - b.weekday || a.startsAt - b.startsAt);
  for (let i = 1; i < intervals.length; i += 1) {
    const previous = intervals[i - 1];
    const current = intervals[i];
    if (current.weekday === previous.weekday && current.startsAt < previous.endsAt) {
      throw badInput('intervals', `overlap on ${weekdayNames[current.weekday]}: ${describe(previous)} and ${describe(current)}`);
    }
  }
  const validFrom = optionalCalendarDate('validFrom', input.validFrom);
  const validUntil = optionalCalendarDate('validUntil', input.validUntil);
  // Same-format ISO dates compare as strings.
  if (validFrom && validUntil && validUntil < validFrom) throw badInput('validUntil', `must not be before validFrom (${validFrom})`);
  return { intervals, validFrom, validUntil };
}

function parseInterval(interval: AvailabilityIntervalInput, index: number): AvailabilityInterval {
  const field = `intervals[${index}]`;
  if (!Number.isInteger(interval.weekday) || interval.weekday < 0 || interval.weekday > 6) {
    throw badInput(`${field}.weekday`, 'must be 0 (Monday) to 6 (Sunday)');
  }
  const startsAt = parseTime(`${field}.startsAt`, interval.startsAt, false);
  const endsAt = parseTime(`${field}.endsAt`, interval.endsAt, true);
  if (endsAt <= startsAt) throw badInput(`${field}.endsAt`, `must be later than startsAt (${interval.startsAt})`);
  return { weekday: interval.weekday, startsAt, endsAt };
}

function describe(interval: AvailabilityInterval): string {
  return `${formatTime(interval.startsAt)}-${formatTime(interval.endsAt)}`;
}
