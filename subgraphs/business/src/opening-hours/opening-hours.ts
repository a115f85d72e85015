import { badInput } from '@waitlessq/validation';

export interface OpeningHoursIntervalInput {
  weekday: number;
  opensAt: string;
  closesAt: string;
}

/** As stored: weekday 0 = Monday ... 6 = Sunday, times in minutes after local midnight. */
export interface OpeningInterval {
  weekday: number;
  opensAt: number;
  closesAt: number;
}

export const weekdayNames = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
const MAX_INTERVALS = 70;
const END_OF_DAY = 24 * 60;
const timePattern = /^(\d{2}):(\d{2})$/;

/**
 * Checks a whole week of opening hours and returns it sorted by weekday and time. Every
 * interval lies within one day (opens before it closes; "24:00" closes at midnight), so hours
 * past midnight are two intervals on two days. Intervals of a day may touch but not overlap.
 */
export function validateOpeningHours(intervals: readonly OpeningHoursIntervalInput[]): OpeningInterval[] {
  if (intervals.length > MAX_INTERVALS) throw badInput('intervals', `may hold at most ${MAX_INTERVALS} intervals`);
  const parsed = intervals.map((interval, index) => {
    const field = `intervals[${index}]`;
    if (!Number.isInteger(interval.weekday) || interval.weekday < 0 || interval.weekday > 6) {
      throw badInput(`${field}.weekday`, 'must be 0 (Monday) to 6 (Sunday)');
    }
    const opensAt = parseTime(`${field}.opensAt`, interval.opensAt, false);
    const closesAt = parseTime(`${field}.closesAt`, interval.closesAt, true);
    if (closesAt <= opensAt) throw badInput(`${field}.closesAt`, `must be later than opensAt (${interval.opensAt})`);
    return { weekday: interval.weekday, opensAt, closesAt };
  });
  parsed.sort((a, b) => a.weekday - b.weekday || a.opensAt - b.opensAt);
  for (let i = 1; i < parsed.length; i += 1) {
    const previous = parsed[i - 1];
    const current = parsed[i];
    if (current.weekday === previous.weekday && current.opensAt < previous.closesAt) {
      throw badInput('intervals', `overlap on ${weekdayNames[current.weekday]}: ${describe(previous)} and ${describe(current)}`);
    }
  }
  return parsed;
}

/** "HH:MM" (24-hour clock) to minutes after midnight; "24:00" only where a day may end. */
export function parseTime(field: string, value: string, allowEndOfDay: boolean): number {
  const match = timePattern.exec(value);
  const minutes = match ? Number(match[1]) * 60 + Number(match[2]) : Number.NaN;
  const valid = match !== null && Number(match[2]) < 60 && (minutes < END_OF_DAY || (allowEndOfDay && minutes === END_OF_DAY));
  if (!valid) throw badInput(field, `must be a time as HH:MM from 00:00 to ${allowEndOfDay ? '24:00' : '23:59'}`);
  return minutes;
}

export function formatTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

export function toIntervalOutput(interval: OpeningInterval): OpeningHoursIntervalInput {
  return { weekday: interval.weekday, opensAt: formatTime(interval.opensAt), closesAt: formatTime(interval.closesAt) };
}

function describe(interval: OpeningInterval): string {
  return `${formatTime(interval.opensAt)}-${formatTime(interval.closesAt)}`;
}
