import type { AvailabilityException, AvailabilityRule } from '@waitlessq/database';
import { formatTime } from '../opening-hours/opening-hours';
import { fromDateColumn } from './calendar-dates';

/** Rows as the API shows them: times as HH:MM, days as YYYY-MM-DD. */
export function toWindowOutput(rule: AvailabilityRule) {
  return {
    id: rule.id,
    serviceId: rule.serviceId,
    weekday: rule.weekday,
    startsAt: formatTime(rule.startsAt),
    endsAt: formatTime(rule.endsAt),
    validFrom: rule.validFrom ? fromDateColumn(rule.validFrom) : null,
    validUntil: rule.validUntil ? fromDateColumn(rule.validUntil) : null,
  };
}

export function toExceptionOutput(exception: AvailabilityException) {
  return {
    id: exception.id,
    date: fromDateColumn(exception.date),
    kind: exception.kind,
    opensAt: exception.opensAt === null ? null : formatTime(exception.opensAt),
    closesAt: exception.closesAt === null ? null : formatTime(exception.closesAt),
    reason: exception.reason,
  };
}
