import { Prisma } from '@waitlessq/database';
import type { Db } from '../visits/line';
import type { BookingSchedule } from './booking-schedule';
import type { SlotBooking } from './slots-capacity';

const DAY_MS = 24 * 60 * 60_000;

/**
 * The business's active appointments that can matter for slots starting in [from, to], in ONE
 * statement whatever the number of days or bookings: those whose blocked range overlaps
 * [from - 2 days, to + 2 days). "Active" is the capacity trigger's rule: kind APPOINTMENT,
 * status neither CANCELLED nor NO_SHOW. `excludeVisitIds` leaves appointments out (the one
 * being moved: like in the trigger, an appointment does not compete with itself).
 *
 * Why 2 days: an appointment blocks less than one day (the business subgraph caps a duration
 * at 600 minutes and each buffer at 240), and a business-local day lasts at most 25 hours, so
 * this range holds every booking a candidate's blocked range can overlap and every booking
 * that shares a business-local day with a candidate (for the per-day limit); a few more do no
 * harm, since the counts compare exact instants and days. The redundant lower bound on
 * "blockedFrom" (2 days + the longest block) makes the read a range scan of the
 * [businessId, blockedFrom] index rather than of every earlier appointment of the business.
 *
 * Appointments with the same three values come back as one entry with their count: a business
 * with thousands of bookings a month has them on its slot grid, so the answer is bounded by the
 * distinct times rather than by the bookings. The entries come back as one JSON text built by
 * PostgreSQL: with 10,000 bookings that alone was three times faster than 10,000 rows through
 * the driver adapter (measured: 22 against 61 ms).
 */
export async function readBusinessBookings(
  db: Db,
  schedule: Pick<BookingSchedule, 'businessId'>,
  from: Date,
  to: Date,
  excludeVisitIds: readonly string[] = [],
): Promise<SlotBooking[]> {
  const overlapFrom = new Date(from.getTime() - 2 * DAY_MS);
  const overlapUntil = new Date(to.getTime() + 2 * DAY_MS);
  const scanFrom = new Date(from.getTime() - 3 * DAY_MS);
  const exclude = excludeVisitIds.length ? Prisma.sql`AND "id" <> ALL(${[...excludeVisitIds]}::uuid[])` : Prisma.empty;
  // Epoch milliseconds of the UTC wall times the timestamp columns hold.
  const rows = await db.$queryRaw<{ bookings: string }[]>`
    SELECT COALESCE(json_agg(json_build_array(
             (extract(epoch FROM "blockedFrom") * 1000)::bigint,
             (extract(epoch FROM "blockedUntil") * 1000)::bigint,
             to_char("bookingDay", 'YYYY-MM-DD'),
             "count")), '[]')::text AS "bookings"
    FROM (
      SELECT "blockedFrom", "blockedUntil", "bookingDay", count(*)::int AS "count"
      FROM "Visit"
      WHERE "businessId" = ${schedule.businessId}::uuid
        AND "kind" = 'APPOINTMENT'
        AND "status"::text NOT IN ('CANCELLED', 'NO_SHOW')
        AND "blockedFrom" >= ${scanFrom}::timestamp(3)
        AND "blockedFrom" < ${overlapUntil}::timestamp(3)
        AND "blockedUntil" > ${overlapFrom}::timestamp(3)
        ${exclude}
      GROUP BY "blockedFrom", "blockedUntil", "bookingDay"
    ) AS "grouped"`;
  const entries = JSON.parse(rows[0].bookings) as [number, number, string, number][];
  return entries.map(([from, until, bookingDay, count]) => ({ blockedFrom: new Date(from), blockedUntil: new Date(until), bookingDay, count }));
}
