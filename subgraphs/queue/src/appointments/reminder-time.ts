import { DateTime } from 'luxon';

/** The booking policy's reminder settings (booking-schedule.ts). */
export interface ReminderPolicy {
  /** 0 = no reminder. */
  reminderMinutesBefore: number;
  /** Business-local HH:MM, both or neither; start > end spans midnight (21:00 to 08:00). */
  quietHoursStart: string | null;
  quietHoursEnd: string | null;
}

export interface ReminderTimeInput {
  scheduledAt: Date;
  /** When the appointment is booked or moved: a reminder due by then is not sent at all. */
  now: Date;
  /** IANA zone of the business, where the quiet hours are read. */
  timezone: string;
  policy: ReminderPolicy;
}

/**
 * When an appointment's reminder is due (Visit.remindAt), or null for none:
 * `reminderMinutesBefore` before the appointment; when that falls in the quiet hours, at their
 * end; when their end is not before the appointment (a reminder after the start is useless),
 * a minute before they began instead. A time already past at `now` means no reminder.
 * Local times go through Luxon in the business's zone, so a quiet night that a DST change
 * shortens or lengthens ends at the wall-clock time it names.
 */
export function reminderTime({ scheduledAt, now, timezone, policy }: ReminderTimeInput): Date | null {
  if (policy.reminderMinutesBefore <= 0) return null;
  let due = new Date(scheduledAt.getTime() - policy.reminderMinutesBefore * 60_000);
  const quiet = quietPeriodAround(due, timezone, policy);
  if (quiet) due = quiet.endsAt < scheduledAt ? quiet.endsAt : new Date(quiet.startsAt.getTime() - 60_000);
  return due > now ? due : null;
}

interface QuietPeriod {
  startsAt: Date;
  endsAt: Date;
}

/** The quiet period `instant` falls in (start inclusive, end exclusive), or null when outside or none are set. */
export function quietPeriodAround(instant: Date, timezone: string, policy: ReminderPolicy): QuietPeriod | null {
  if (!policy.quietHoursStart || !policy.quietHoursEnd) return null;
  const start = minutesOf(policy.quietHoursStart);
  const end = minutesOf(policy.quietHoursEnd);
  const local = DateTime.fromJSDate(instant, { zone: timezone });
  const minute = local.hour * 60 + local.minute;
  const day = local.startOf('day');
  if (start < end) {
    if (minute < start || minute >= end) return null;
    return { startsAt: at(day, start), endsAt: at(day, end) };
  }
  // Spanning midnight: the evening part starts today, the morning part started yesterday.
  if (minute >= start) return { startsAt: at(day, start), endsAt: at(day.plus({ days: 1 }), end) };
  if (minute < end) return { startsAt: at(day.minus({ days: 1 }), start), endsAt: at(day, end) };
  return null;
}

function minutesOf(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return hours * 60 + minutes;
}

/** Wall-clock time `minutes` after midnight of `day` (a time a DST gap skips moves forward, as Luxon does). */
function at(day: DateTime, minutes: number): Date {
  return day.set({ hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0, millisecond: 0 }).toJSDate();
}
