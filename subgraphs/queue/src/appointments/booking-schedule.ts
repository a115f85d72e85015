import { IANAZone } from 'luxon';

/**
 * What the business subgraph answers for `Business.bookingSchedule` (an @inaccessible JSON
 * field the gateway fetches for `availableSlots` through @requires): everything the slots of a
 * business depend on, in one value. Times of day are minutes after local midnight in
 * `timezone`; dates are business-local YYYY-MM-DD.
 */
export interface BookingSchedule {
  businessId: string;
  /** IANA zone of the business. */
  timezone: string;
  policy: BookingSchedulePolicy;
  /** Weekly windows; serviceId null = every service. Minutes after local midnight; weekday 0 = Monday. */
  availability: AvailabilityWindow[];
  /** The business's opening hours; used for slots when no availability window exists at all. */
  openingHours: OpeningHoursWindow[];
  /** Exceptions from yesterday (UTC) on, by date (YYYY-MM-DD, business-local). */
  exceptions: AvailabilityExceptionDay[];
  /** Every service of the business, inactive ones included (with active: false). */
  services: ScheduleService[];
}

export interface BookingSchedulePolicy {
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
  /** How long before an appointment its reminder is due; 0 = no reminder. */
  reminderMinutesBefore: number;
  /** Business-local HH:MM, both or neither; the end may be past midnight (21:00 to 08:00). */
  quietHoursStart: string | null;
  quietHoursEnd: string | null;
}

export interface AvailabilityWindow {
  serviceId: string | null;
  weekday: number;
  startsAt: number;
  endsAt: number;
  validFrom: string | null;
  validUntil: string | null;
}

export interface OpeningHoursWindow {
  weekday: number;
  opensAt: number;
  closesAt: number;
}

export type AvailabilityExceptionKind = 'CLOSED' | 'HOLIDAY' | 'SPECIAL_HOURS';

export interface AvailabilityExceptionDay {
  date: string;
  kind: AvailabilityExceptionKind;
  opensAt: number | null;
  closesAt: number | null;
}

export interface ScheduleService {
  id: string;
  name: string;
  durationMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  bookableOnline: boolean;
  active: boolean;
}

const MINUTES_PER_DAY = 24 * 60;
const exceptionKinds: readonly AvailabilityExceptionKind[] = ['CLOSED', 'HOLIDAY', 'SPECIAL_HOURS'];

/**
 * Checks the shape of a booking schedule and returns it typed. It comes from our own business
 * subgraph, so a malformed one is our bug, not the caller's: a plain Error (masked as
 * INTERNAL_SERVER_ERROR) whose message names the path and what arrived. Dates may arrive as
 * YYYY-MM-DD or as an ISO instant at midnight UTC (how a DATE column serializes); both become
 * YYYY-MM-DD.
 */
export function parseBookingSchedule(value: unknown): BookingSchedule {
  const root = record(value, 'bookingSchedule');
  const policy = record(root.policy, 'bookingSchedule.policy');
  const at = (path: string) => `bookingSchedule.${path}`;
  return {
    businessId: text(root.businessId, at('businessId')),
    timezone: zone(root.timezone, at('timezone')),
    policy: {
      slotMinutes: int(policy.slotMinutes, at('policy.slotMinutes'), 1),
      bufferBeforeMinutes: int(policy.bufferBeforeMinutes, at('policy.bufferBeforeMinutes'), 0),
      bufferAfterMinutes: int(policy.bufferAfterMinutes, at('policy.bufferAfterMinutes'), 0),
      minNoticeMinutes: int(policy.minNoticeMinutes, at('policy.minNoticeMinutes'), 0),
      maxAdvanceDays: int(policy.maxAdvanceDays, at('policy.maxAdvanceDays'), 0),
      maxBookingsPerDay: policy.maxBookingsPerDay === null ? null : int(policy.maxBookingsPerDay, at('policy.maxBookingsPerDay'), 0),
      approvalRequired: bool(policy.approvalRequired, at('policy.approvalRequired')),
      cancellationWindowMinutes: int(policy.cancellationWindowMinutes, at('policy.cancellationWindowMinutes'), 0),
      spotsPerSlot: int(policy.spotsPerSlot, at('policy.spotsPerSlot'), 0),
      noShowGraceMinutes: int(policy.noShowGraceMinutes, at('policy.noShowGraceMinutes'), 0),
      standbyOfferMinutes: int(policy.standbyOfferMinutes, at('policy.standbyOfferMinutes'), 0),
      ...parseReminderPolicy(policy, at),
    },
    availability: list(root.availability, at('availability')).map((item, i) => {
      const path = at(`availability[${i}]`);
      const window = record(item, path);
      const startsAt = minuteOfDay(window.startsAt, `${path}.startsAt`);
      const endsAt = minuteOfDay(window.endsAt, `${path}.endsAt`);
      ordered(startsAt, endsAt, path);
      return {
        serviceId: window.serviceId === null ? null : text(window.serviceId, `${path}.serviceId`),
        weekday: weekday(window.weekday, `${path}.weekday`),
        startsAt,
        endsAt,
        validFrom: window.validFrom === null || window.validFrom === undefined ? null : date(window.validFrom, `${path}.validFrom`),
        validUntil: window.validUntil === null || window.validUntil === undefined ? null : date(window.validUntil, `${path}.validUntil`),
      };
    }),
    openingHours: list(root.openingHours, at('openingHours')).map((item, i) => {
      const path = at(`openingHours[${i}]`);
      const hours = record(item, path);
      const opensAt = minuteOfDay(hours.opensAt, `${path}.opensAt`);
      const closesAt = minuteOfDay(hours.closesAt, `${path}.closesAt`);
      ordered(opensAt, closesAt, path);
      return { weekday: weekday(hours.weekday, `${path}.weekday`), opensAt, closesAt };
    }),
    exceptions: list(root.exceptions, at('exceptions')).map((item, i) => parseException(item, at(`exceptions[${i}]`))),
    services: list(root.services, at('services')).map((item, i) => {
      const path = at(`services[${i}]`);
      const service = record(item, path);
      return {
        id: text(service.id, `${path}.id`),
        name: text(service.name, `${path}.name`),
        durationMinutes: int(service.durationMinutes, `${path}.durationMinutes`, 1),
        bufferBeforeMinutes: int(service.bufferBeforeMinutes, `${path}.bufferBeforeMinutes`, 0),
        bufferAfterMinutes: int(service.bufferAfterMinutes, `${path}.bufferAfterMinutes`, 0),
        bookableOnline: bool(service.bookableOnline, `${path}.bookableOnline`),
        active: bool(service.active, `${path}.active`),
      };
    }),
  };
}

/** Defaults of a business subgraph that predates the reminder settings (the columns' defaults). */
const reminderDefaults = { reminderMinutesBefore: 60, quietHoursStart: null, quietHoursEnd: null } as const;

function parseReminderPolicy(policy: Record<string, unknown>, at: (path: string) => string) {
  const reminderMinutesBefore =
    policy.reminderMinutesBefore === undefined
      ? reminderDefaults.reminderMinutesBefore
      : int(policy.reminderMinutesBefore, at('policy.reminderMinutesBefore'), 0);
  const start =
    policy.quietHoursStart === undefined || policy.quietHoursStart === null ? null : timeOfDay(policy.quietHoursStart, at('policy.quietHoursStart'));
  const end = policy.quietHoursEnd === undefined || policy.quietHoursEnd === null ? null : timeOfDay(policy.quietHoursEnd, at('policy.quietHoursEnd'));
  if ((start === null) !== (end === null)) malformed(at('policy.quietHours'), 'both start and end, or neither', { start, end });
  return { reminderMinutesBefore, quietHoursStart: start, quietHoursEnd: end };
}

function timeOfDay(value: unknown, path: string): string {
  if (typeof value !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d$/.test(value)) malformed(path, 'a time of day (HH:MM)', value);
  return value;
}

function parseException(item: unknown, path: string): AvailabilityExceptionDay {
  const exception = record(item, path);
  const kind = exception.kind as AvailabilityExceptionKind;
  if (!exceptionKinds.includes(kind)) malformed(`${path}.kind`, `one of ${exceptionKinds.join(', ')}`, exception.kind);
  if (kind !== 'SPECIAL_HOURS') return { date: date(exception.date, `${path}.date`), kind, opensAt: null, closesAt: null };
  const opensAt = minuteOfDay(exception.opensAt, `${path}.opensAt`);
  const closesAt = minuteOfDay(exception.closesAt, `${path}.closesAt`);
  ordered(opensAt, closesAt, path);
  return { date: date(exception.date, `${path}.date`), kind, opensAt, closesAt };
}

function malformed(path: string, expected: string, received: unknown): never {
  throw new Error(`Malformed booking schedule from the business subgraph: ${path} must be ${expected}, received ${JSON.stringify(received) ?? 'undefined'}.`);
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) malformed(path, 'an object', value);
  return value as Record<string, unknown>;
}

function list(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) malformed(path, 'an array', value);
  return value;
}

function text(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) malformed(path, 'a non-empty string', value);
  return value;
}

function bool(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') malformed(path, 'a boolean', value);
  return value;
}

function int(value: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) malformed(path, `an integer from ${min} to ${max}`, value);
  return value;
}

const minuteOfDay = (value: unknown, path: string) => int(value, path, 0, MINUTES_PER_DAY);
const weekday = (value: unknown, path: string) => int(value, path, 0, 6);

function ordered(start: number, end: number, path: string): void {
  if (start >= end) malformed(path, 'a window that starts before it ends', { start, end });
}

function date(value: unknown, path: string): string {
  const match = typeof value === 'string' ? /^(\d{4}-\d{2}-\d{2})(T00:00:00(\.0+)?Z)?$/.exec(value) : null;
  if (!match) malformed(path, 'a date (YYYY-MM-DD)', value);
  return match[1];
}

function zone(value: unknown, path: string): string {
  if (typeof value !== 'string' || !IANAZone.isValidZone(value)) malformed(path, 'an IANA time zone', value);
  return value;
}
