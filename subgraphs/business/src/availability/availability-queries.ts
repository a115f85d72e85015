import type { AvailabilityException, AvailabilityRule, Business } from '@waitlessq/database';
import { bookingPolicyOf } from '../booking-policy/booking-policy-service';
import type { BusinessContext } from '../context';
import { badInput } from '@waitlessq/validation';
import { buildBookingSchedule, type BookingSchedule } from './booking-schedule';
import { addDays, fromDateColumn, optionalCalendarDate, todayIn } from './calendar-dates';

/**
 * What a visitor reads about a business's availability. The caller already passed the
 * business's read rule (public profile, or own tenant) to reach it, so these add none.
 * With a serviceId, that service's own windows; without, every window (business-wide ones,
 * serviceId null, first).
 */
export async function availabilityOf(ctx: BusinessContext, business: Business, serviceId: string | null | undefined): Promise<AvailabilityRule[]> {
  const windows = await ctx.loaders.availabilityRulesByBusinessId.load(business.id);
  return serviceId == null ? windows : windows.filter((window) => window.serviceId === serviceId);
}

/** Exceptions of the days from..to (both inclusive, business-local); from defaults to today there. */
export async function exceptionsOf(
  ctx: BusinessContext,
  business: Business,
  args: { from?: string | null; to?: string | null },
): Promise<AvailabilityException[]> {
  const from = optionalCalendarDate('from', args.from) ?? todayIn(business.timezone);
  const to = optionalCalendarDate('to', args.to);
  if (to !== null && to < from) throw badInput('to', `must not be before from (${from})`);
  const exceptions = await ctx.loaders.exceptionsFrom.load({ businessId: business.id, from });
  return to === null ? exceptions : exceptions.filter((exception) => fromDateColumn(exception.date) <= to);
}

/**
 * The rules slots are computed from (booking-schedule.ts), for any caller who can reach the
 * business: the gateway asks for it on behalf of whoever reads `availableSlots`. Each part
 * comes from a per-request loader, so any number of businesses costs one statement per table.
 */
export async function bookingScheduleOf(ctx: BusinessContext, business: Business): Promise<BookingSchedule> {
  // Yesterday in UTC is on or before today in every zone (UTC-12 to UTC+14).
  const yesterdayUtc = addDays(todayIn('UTC'), -1);
  const [policy, rules, openingHours, exceptions, services] = await Promise.all([
    bookingPolicyOf(ctx, business.id),
    ctx.loaders.availabilityRulesByBusinessId.load(business.id),
    ctx.loaders.openingHoursByBusinessId.load(business.id),
    ctx.loaders.exceptionsFrom.load({ businessId: business.id, from: yesterdayUtc }),
    ctx.loaders.servicesByBusinessId.load(business.id),
  ]);
  return buildBookingSchedule({ business, policy, rules, openingHours, exceptions, services });
}
