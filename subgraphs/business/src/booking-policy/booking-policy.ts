import { badInput, definedOnly, intInRange, optionalIntInRange } from '../validation';

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
  const required = [
    'slotMinutes',
    'bufferBeforeMinutes',
    'bufferAfterMinutes',
    'minNoticeMinutes',
    'maxAdvanceDays',
    'approvalRequired',
    'cancellationWindowMinutes',
    'spotsPerSlot',
    'noShowGraceMinutes',
    'standbyOfferMinutes',
    'reminderMinutesBefore',
  ] as const;
  for (const field of required) {
    if (input[field] === null) throw badInput(field, 'cannot be null');
  }
  const number = (field: keyof BookingPolicyValues, min: number, max: number) => {
    const value = input[field as keyof SetBookingPolicyInput] as number | undefined;
    return value === undefined ? undefined : intInRange(field, value, min, max);
  };
  return definedOnly({
    slotMinutes: number('slotMinutes', 5, 480),
    bufferBeforeMinutes: number('bufferBeforeMinutes', 0, 240),
    bufferAfterMinutes: number('bufferAfterMinutes', 0, 240),
    minNoticeMinutes: number('minNoticeMinutes', 0, THIRTY_DAYS_IN_MINUTES),
    maxAdvanceDays: number('maxAdvanceDays', 1, 730),
    maxBookingsPerDay: optionalIntInRange('maxBookingsPerDay', input.maxBookingsPerDay, 1, 10_000),
    approvalRequired: input.approvalRequired ?? undefined,
    cancellationWindowMinutes: number('cancellationWindowMinutes', 0, THIRTY_DAYS_IN_MINUTES),
    spotsPerSlot: number('spotsPerSlot', 1, 100),
    noShowGraceMinutes: number('noShowGraceMinutes', 0, 240),
    standbyOfferMinutes: number('standbyOfferMinutes', 5, 24 * 60),
    reminderMinutesBefore: number('reminderMinutesBefore', 0, SEVEN_DAYS_IN_MINUTES),
    ...parseQuietHours(input),
  });
}

const SEVEN_DAYS_IN_MINUTES = 7 * 24 * 60;
const timeOfDayPattern = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * Quiet hours are a pair (HH:MM business-local, the end may be past midnight: 21:00 to 08:00),
 * so they are sent together: both times to set them, both null to remove them. Sending one
 * alone would pair it with whatever is stored, which the manager cannot see in the same call.
 */
function parseQuietHours(input: SetBookingPolicyInput): Pick<Partial<BookingPolicyValues>, 'quietHoursStart' | 'quietHoursEnd'> {
  const { quietHoursStart: start, quietHoursEnd: end } = input;
  if (start === undefined && end === undefined) return {};
  if (start === undefined) throw badInput('quietHoursStart', 'must be sent with quietHoursEnd (both times, or both null)');
  if (end === undefined) throw badInput('quietHoursEnd', 'must be sent with quietHoursStart (both times, or both null)');
  if (start === null || end === null) {
    if (start !== end) throw badInput(start === null ? 'quietHoursStart' : 'quietHoursEnd', 'must be null only when the other is null too');
    return { quietHoursStart: null, quietHoursEnd: null };
  }
  if (!timeOfDayPattern.test(start)) throw badInput('quietHoursStart', 'must be a time of day as HH:MM (00:00 to 23:59)');
  if (!timeOfDayPattern.test(end)) throw badInput('quietHoursEnd', 'must be a time of day as HH:MM (00:00 to 23:59)');
  if (start === end) throw badInput('quietHoursEnd', 'must differ from quietHoursStart');
  return { quietHoursStart: start, quietHoursEnd: end };
}
