import { DateTime } from 'luxon';
import { badInput } from '@waitlessq/validation';

/**
 * Calendar dates ("YYYY-MM-DD") as the API speaks them and as PostgreSQL `date` columns hold
 * them. Prisma hands a `date` column over as a Date at UTC midnight, so converting through UTC
 * keeps the calendar day whatever the zone of this process.
 */
const datePattern = /^\d{4}-\d{2}-\d{2}$/;

export function parseCalendarDate(field: string, value: string): string {
  const parsed = datePattern.test(value) ? DateTime.fromISO(value, { zone: 'utc' }) : null;
  if (!parsed?.isValid) throw badInput(field, `must be a date as YYYY-MM-DD (got "${value}")`);
  return value;
}

export function optionalCalendarDate(field: string, value: string | null | undefined): string | null {
  return value == null ? null : parseCalendarDate(field, value);
}

export function toDateColumn(date: string): Date {
  return new Date(`${date}T00:00:00.000Z`);
}

export function fromDateColumn(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Today where the business is: its exceptions and their defaults are local days. */
export function todayIn(timezone: string, now: Date = new Date()): string {
  return DateTime.fromJSDate(now, { zone: timezone }).toISODate() as string;
}

export function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: 'utc' }).plus({ days }).toISODate() as string;
}
