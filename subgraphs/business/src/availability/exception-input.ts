import type { AvailabilityExceptionKind } from '@waitlessq/database';
import { parseTime } from '../opening-hours/opening-hours';
import { badInput, optionalText, parse } from '@waitlessq/validation';
import { addDays, parseCalendarDate } from './calendar-dates';

export interface AddAvailabilityExceptionInput {
  businessId: string;
  date: string;
  kind: AvailabilityExceptionKind;
  opensAt?: string | null;
  closesAt?: string | null;
  reason?: string | null;
}

/** What a stored exception holds besides its ids: compared whole to tell a retry from a conflict. */
export interface ExceptionContent {
  date: string;
  kind: AvailabilityExceptionKind;
  opensAt: number | null;
  closesAt: number | null;
  reason: string | null;
}

/** Exceptions are planned ahead, not kept forever: three years covers any booking horizon (maxAdvanceDays <= 730). */
const MAX_DAYS_AHEAD = 3 * 366;

/**
 * Checks an exception against the business's local today. SPECIAL_HOURS needs its one opening
 * interval (opensAt before closesAt, "24:00" allowed as the close); CLOSED and HOLIDAY close
 * the whole day, so hours sent with them are refused rather than silently dropped.
 */
export function parseExceptionInput(input: AddAvailabilityExceptionInput, today: string): ExceptionContent {
  const date = parseCalendarDate('date', input.date);
  if (date < today) throw badInput('date', `must not be in the past (today is ${today} where the business is)`);
  const latest = addDays(today, MAX_DAYS_AHEAD);
  if (date > latest) throw badInput('date', `must be at most ${MAX_DAYS_AHEAD} days ahead (until ${latest})`);
  const reason = parse(optionalText(200), input.reason, 'reason') ?? null;
  if (input.kind !== 'SPECIAL_HOURS') {
    for (const field of ['opensAt', 'closesAt'] as const) {
      if (input[field] != null) throw badInput(field, `is only for SPECIAL_HOURS (a ${input.kind} day is closed all day)`);
    }
    return { date, kind: input.kind, opensAt: null, closesAt: null, reason };
  }
  if (input.opensAt == null) throw badInput('opensAt', 'is required for SPECIAL_HOURS');
  if (input.closesAt == null) throw badInput('closesAt', 'is required for SPECIAL_HOURS');
  const opensAt = parseTime('opensAt', input.opensAt, false);
  const closesAt = parseTime('closesAt', input.closesAt, true);
  if (closesAt <= opensAt) throw badInput('closesAt', `must be later than opensAt (${input.opensAt})`);
  return { date, kind: input.kind, opensAt, closesAt, reason };
}

export function sameExceptionContent(a: ExceptionContent, b: ExceptionContent): boolean {
  return a.date === b.date && a.kind === b.kind && a.opensAt === b.opensAt && a.closesAt === b.closesAt && a.reason === b.reason;
}
