import { badInput, clockTime, optional, parse, wholeNumber, z } from '@waitlessq/validation';
import { definedOnly } from '../defined-only';

export interface BookingPolicyValues {
  slotMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  minNoticeMinutes: number;
  maxAdvanceDays: number;
  maxBookingsPerDay: number | null;
  approvalRequired: boolean;
  cancellationWindowMinutes: number;
  spotsPerSlot: number;
  noShowGraceMinutes: number;
  standbyOfferMinutes: number;
  reminderMinutesBefore: number;
  quietHoursStart: string | null;
  quietHoursEnd: string | null;
}

export interface SetBookingPolicyInput {
  businessId: string;
  slotMinutes?: number | null;
  bufferBeforeMinutes?: number | null;
  bufferAfterMinutes?: number | null;
  minNoticeMinutes?: number | null;
  maxAdvanceDays?: number | null;
  maxBookingsPerDay?: number | null;
  approvalRequired?: boolean | null;
  cancellationWindowMinutes?: number | null;
  spotsPerSlot?: number | null;
  noShowGraceMinutes?: number | null;
  standbyOfferMinutes?: number | null;
  reminderMinutesBefore?: number | null;
  quietHoursStart?: string | null;
  quietHoursEnd?: string | null;
}

/** The policy of a business that has set none; the same values as the column defaults of BookingPolicy. */
export const defaultBookingPolicy: Readonly<BookingPolicyValues> = Object.freeze({
  slotMinutes: 15,
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0,
  minNoticeMinutes: 60,
  maxAdvanceDays: 60,
  maxBookingsPerDay: null,
  approvalRequired: false,
  cancellationWindowMinutes: 120,
  spotsPerSlot: 1,
  noShowGraceMinutes: 15,
  standbyOfferMinutes: 30,
  reminderMinutesBefore: 60,
  quietHoursStart: null,
  quietHoursEnd: null,
});

const THIRTY_DAYS_IN_MINUTES = 30 * 24 * 60;

/**
 * The fields a manager sent, checked. Unsent fields keep their stored (or default) value;
 * `maxBookingsPerDay: null` removes the daily limit, null elsewhere is refused.
 */
export function parseBookingPolicyInput(input: SetBookingPolicyInput): Partial<BookingPolicyValues> {
  const { quietHoursStart, quietHoursEnd, ...values } = parse(bookingPolicySchema, input);
  return definedOnly({ ...values, ...parseQuietHours({ quietHoursStart, quietHoursEnd }) });
}

/** A number sent keeps its range; null is refused (only maxBookingsPerDay may be cleared). */
const setting = (min: number, max: number) => z.number({ error: 'cannot be null' }).pipe(wholeNumber(min, max)).optional();

const SEVEN_DAYS_IN_MINUTES = 7 * 24 * 60;

export const bookingPolicySchema = z.object({
  slotMinutes: setting(5, 480),
  bufferBeforeMinutes: setting(0, 240),
  bufferAfterMinutes: setting(0, 240),
  minNoticeMinutes: setting(0, THIRTY_DAYS_IN_MINUTES),
  maxAdvanceDays: setting(1, 730),
  maxBookingsPerDay: optional(wholeNumber(1, 10_000)),
  approvalRequired: z.boolean({ error: 'cannot be null' }).optional(),
  cancellationWindowMinutes: setting(0, THIRTY_DAYS_IN_MINUTES),
  spotsPerSlot: setting(1, 100),
  noShowGraceMinutes: setting(0, 240),
  standbyOfferMinutes: setting(5, 24 * 60),
  reminderMinutesBefore: setting(0, SEVEN_DAYS_IN_MINUTES),
  // The pair is checked together below: both times, or both null.
  quietHoursStart: z.string().nullish(),
  quietHoursEnd: z.string().nullish(),
});

/**
 * Quiet hours are a pair (HH:MM business-local, the end may be past midnight: 21:00 to 08:00),
 * so they are sent together: both times to set them, both null to remove them. Sending one
 * alone would pair it with whatever is stored, which the manager cannot see in the same call.
 */
function parseQuietHours(
  input: Pick<SetBookingPolicyInput, 'quietHoursStart' | 'quietHoursEnd'>,
): Pick<Partial<BookingPolicyValues>, 'quietHoursStart' | 'quietHoursEnd'> {
  const { quietHoursStart: start, quietHoursEnd: end } = input;
  if (start === undefined && end === undefined) return {};
  if (start === undefined) throw badInput('quietHoursStart', 'must be sent with quietHoursEnd (both times, or both null)');
  if (end === undefined) throw badInput('quietHoursEnd', 'must be sent with quietHoursStart (both times, or both null)');
  if (start === null || end === null) {
    if (start !== end) throw badInput(start === null ? 'quietHoursStart' : 'quietHoursEnd', 'must be null only when the other is null too');
    return { quietHoursStart: null, quietHoursEnd: null };
  }
  parse(clockTime(), start, 'quietHoursStart');
  parse(clockTime(), end, 'quietHoursEnd');
  if (start === end) throw badInput('quietHoursEnd', 'must differ from quietHoursStart');
  return { quietHoursStart: start, quietHoursEnd: end };
}
