import type { AvailabilityException, AvailabilityRule, Business, OpeningHours, Service } from '@waitlessq/database';
import type { BookingPolicyValues } from '../booking-policy/booking-policy';
import { fromDateColumn } from './calendar-dates';

/**
 * Everything the queue subgraph needs to compute a business's bookable slots, as one value:
 * `Business.bookingSchedule` (JSON, @inaccessible). Slots depend on these rules and on the
 * bookings, which live in the queue subgraph, so slots are computed there
 * (`Business.availableSlots @requires(fields: "bookingSchedule")`); the gateway fetches this
 * field first and hands it over in the entity representation. The queue side parses this
 * exact shape: rename nothing without changing it there.
 */
export interface BookingSchedule {
  businessId: string;
  timezone: string; // IANA zone of the business
  policy: {
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
    /** 0 = no reminder. Quiet hours: HH:MM business-local, both or neither. */
    reminderMinutesBefore: number;
    quietHoursStart: string | null;
    quietHoursEnd: string | null;
  };
  /** Weekly windows; serviceId null = every service. Minutes after local midnight; weekday 0 = Monday. */
  availability: { serviceId: string | null; weekday: number; startsAt: number; endsAt: number; validFrom: string | null; validUntil: string | null }[];
  /** The business's opening hours; used for slots when no availability window exists at all. */
  openingHours: { weekday: number; opensAt: number; closesAt: number }[];
  /** Exceptions from yesterday (UTC) on, by date (YYYY-MM-DD, business-local). */
  exceptions: { date: string; kind: 'CLOSED' | 'HOLIDAY' | 'SPECIAL_HOURS'; opensAt: number | null; closesAt: number | null }[];
  /** Every service of the business, inactive ones included (with active: false). */
  services: {
    id: string;
    name: string;
    durationMinutes: number;
    bufferBeforeMinutes: number;
    bufferAfterMinutes: number;
    bookableOnline: boolean;
    active: boolean;
  }[];
}

export interface BookingScheduleRows {
  business: Pick<Business, 'id' | 'timezone'>;
  policy: BookingPolicyValues;
  rules: readonly AvailabilityRule[];
  openingHours: readonly OpeningHours[];
  exceptions: readonly AvailabilityException[];
  services: readonly Service[];
}

/**
 * The schedule from rows already loaded (by per-request loaders, batched across businesses).
 * Only the listed keys are copied, so a column added to a table never leaks into the value.
 */
export function buildBookingSchedule(rows: BookingScheduleRows): BookingSchedule {
  const { policy } = rows;
  return {
    businessId: rows.business.id,
    timezone: rows.business.timezone,
    policy: {
      slotMinutes: policy.slotMinutes,
      bufferBeforeMinutes: policy.bufferBeforeMinutes,
      bufferAfterMinutes: policy.bufferAfterMinutes,
      minNoticeMinutes: policy.minNoticeMinutes,
      maxAdvanceDays: policy.maxAdvanceDays,
      maxBookingsPerDay: policy.maxBookingsPerDay,
      approvalRequired: policy.approvalRequired,
      cancellationWindowMinutes: policy.cancellationWindowMinutes,
      spotsPerSlot: policy.spotsPerSlot,
      noShowGraceMinutes: policy.noShowGraceMinutes,
      standbyOfferMinutes: policy.standbyOfferMinutes,
      reminderMinutesBefore: policy.reminderMinutesBefore,
      quietHoursStart: policy.quietHoursStart,
      quietHoursEnd: policy.quietHoursEnd,
    },
    availability: rows.rules.map((rule) => ({
      serviceId: rule.serviceId,
      weekday: rule.weekday,
      startsAt: rule.startsAt,
      endsAt: rule.endsAt,
      validFrom: rule.validFrom ? fromDateColumn(rule.validFrom) : null,
      validUntil: rule.validUntil ? fromDateColumn(rule.validUntil) : null,
    })),
    openingHours: rows.openingHours.map(({ weekday, opensAt, closesAt }) => ({ weekday, opensAt, closesAt })),
    exceptions: rows.exceptions.map((exception) => ({
      date: fromDateColumn(exception.date),
      kind: exception.kind,
      opensAt: exception.opensAt,
      closesAt: exception.closesAt,
    })),
    services: rows.services.map((service) => ({
      id: service.id,
      name: service.name,
      durationMinutes: service.durationMinutes,
      bufferBeforeMinutes: service.bufferBeforeMinutes,
      bufferAfterMinutes: service.bufferAfterMinutes,
      bookableOnline: service.bookableOnline,
      active: service.active,
    })),
  };
}
