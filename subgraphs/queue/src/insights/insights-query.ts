import { DateTime } from 'luxon';
import { Prisma, type PrismaClient } from '@waitlessq/database';
import type { Histogram } from './histogram';
import { addSample } from './histogram';
import { allId } from './rollup-increments';

export type InsightsGranularity = 'HOUR' | 'DAY' | 'WEEK';

export interface InsightsScope {
  businessId: string;
  from: Date;
  to: Date;
  granularity: InsightsGranularity;
  timezone: string;
  queueId: string | null;
  serviceId: string | null;
  staffId: string | null;
}

/** Which grouping a row of the answer is: the whole period, a series bucket, a service, a staff member, an hour of the week. */
export type Grouping = 'total' | 'bucket' | 'service' | 'staff' | 'hourOfWeek';

/** Summed rollup figures of one group. */
export interface FigureRow {
  grouping: Grouping;
  bucket: Date | null;
  serviceId: string | null;
  staffId: string | null;
  /** ISO day of week (1 = Monday) and hour, in the business's zone. */
  dow: number | null;
  hour: number | null;
  joined: number;
  served: number;
  noShows: number;
  cancelled: number;
  abandoned: number;
  /** Business-local hours with at least one visit: what throughput per hour divides by. */
  hours: number;
  etaSamples: number;
  etaAbsSeconds: number;
  etaSignedSeconds: number;
  etaLatestSamples: number;
  etaLatestAbsSeconds: number;
}

export interface HistogramsOfGroup {
  wait: Histogram;
  service: Histogram;
}

/** Merged histograms of a group, by `groupKey`. */
export type MergedHistograms = Map<string, HistogramsOfGroup>;

export function groupKey(grouping: Grouping, id: string | Date | null): string {
  return `${grouping}:${id instanceof Date ? id.toISOString() : (id ?? '')}`;
}

const units: Record<InsightsGranularity, string> = { HOUR: 'hour', DAY: 'day', WEEK: 'week' };

/**
 * The rollup rows of the scope, with their bucket and local hour of the week. A row is one
 * business-local hour (rollup-increments.ts), so truncating its start to a local day or week
 * never splits it. Hourly buckets are the rows' own starts, not truncated local times, so the
 * hour repeated when clocks go back stays two buckets.
 */
function scopedRows(scope: InsightsScope): Prisma.Sql {
  const unit = units[scope.granularity];
  return Prisma.sql`
    WITH "local" AS (
      SELECT r.*, (r."hourStart" AT TIME ZONE 'UTC') AT TIME ZONE ${scope.timezone} AS "localStart"
      FROM "InsightsRollup" r
      WHERE r."businessId" = ${scope.businessId}::uuid
        AND r."hourStart" >= ${scope.from}::timestamp(3) AND r."hourStart" < ${scope.to}::timestamp(3)
        AND (${scope.queueId}::uuid IS NULL OR r."queueId" = ${scope.queueId}::uuid)
        AND (${scope.serviceId}::uuid IS NULL OR r."serviceId" = ${scope.serviceId}::uuid)
        AND (${scope.staffId}::uuid IS NULL OR r."staffId" = ${scope.staffId}::uuid)
    ), "rows" AS (
      SELECT l.*,
        CASE WHEN ${unit} = 'hour' THEN l."hourStart" AT TIME ZONE 'UTC'
             ELSE date_trunc(${unit}, l."localStart") AT TIME ZONE ${scope.timezone} END AS "bucket",
        extract(isodow FROM l."localStart")::int AS "dow",
        extract(hour FROM l."localStart")::int AS "hour"
      FROM "local" l
    )`;
}

const groupingOf = Prisma.sql`
  CASE WHEN GROUPING("bucket") = 0 THEN 'bucket' WHEN GROUPING("serviceId") = 0 THEN 'service'
       WHEN GROUPING("staffId") = 0 THEN 'staff' ELSE 'total' END`;

/**
 * Statement one: the counts and sums of every grouping at once (GROUPING SETS), so the number
 * of statements does not depend on the number of rows, services or staff.
 */
export async function readHourlyFigures(prisma: PrismaClient, scope: InsightsScope): Promise<FigureRow[]> {
  return prisma.$queryRaw<FigureRow[]>`
    ${scopedRows(scope)}
    SELECT CASE WHEN GROUPING("dow") = 0 THEN 'hourOfWeek' ELSE ${groupingOf} END AS "grouping",
           "bucket", "serviceId"::text, "staffId"::text, "dow", "hour",
           sum("joined")::int AS "joined", sum("served")::int AS "served", sum("noShows")::int AS "noShows",
           sum("cancelled")::int AS "cancelled", sum("abandoned")::int AS "abandoned",
           count(DISTINCT "hourStart")::int AS "hours",
           sum("etaSamples")::int AS "etaSamples", sum("etaAbsSeconds")::float8 AS "etaAbsSeconds",
           sum("etaSignedSeconds")::float8 AS "etaSignedSeconds", sum("etaLatestSamples")::int AS "etaLatestSamples",
           sum("etaLatestAbsSeconds")::float8 AS "etaLatestAbsSeconds"
    FROM "rows"
    GROUP BY GROUPING SETS ((), ("bucket"), ("serviceId"), ("staffId"), ("dow", "hour"))`;
}

interface HistogramRow {
  grouping: Grouping;
  bucket: Date | null;
  serviceId: string | null;
  staffId: string | null;
  minute: number;
  waits: number;
  services: number;
}

/**
 * Statement two: the histograms of the total, each bucket, service and staff member, merged
 * in the database (element-wise sums), as (minute, waits, services) rows. Both arrays of a row
 * are unnested in one pass, non-zero elements only, into a materialized CTE, summed per grouping
 * by four hash aggregations (GROUPING SETS over it sorted the whole set once per set, two to
 * three times slower on a year of a busy business: loadtests/insights/RESULTS.md).
 */
export async function readHourlyHistograms(prisma: PrismaClient, scope: InsightsScope): Promise<MergedHistograms> {
  const rows = await prisma.$queryRaw<HistogramRow[]>`
    ${scopedRows(scope)}, "samples" AS MATERIALIZED (
      SELECT r."bucket", r."serviceId", r."staffId", m."i"::int - 1 AS "minute", coalesce(m."w", 0) AS "w", coalesce(m."s", 0) AS "s"
      FROM "rows" r, unnest(r."waitHistogram", r."serviceHistogram") WITH ORDINALITY AS m("w", "s", "i")
      WHERE m."w" > 0 OR m."s" > 0
    )
    SELECT 'total' AS "grouping", NULL::timestamptz AS "bucket", NULL::text AS "serviceId", NULL::text AS "staffId", "minute",
           sum("w")::int AS "waits", sum("s")::int AS "services"
    FROM "samples" GROUP BY "minute"
    UNION ALL
    SELECT 'bucket', "bucket", NULL, NULL, "minute", sum("w")::int, sum("s")::int FROM "samples" GROUP BY "bucket", "minute"
    UNION ALL
    SELECT 'service', NULL, "serviceId"::text, NULL, "minute", sum("w")::int, sum("s")::int FROM "samples" GROUP BY "serviceId", "minute"
    UNION ALL
    SELECT 'staff', NULL, NULL, "staffId"::text, "minute", sum("w")::int, sum("s")::int FROM "samples" GROUP BY "staffId", "minute"`;
  return mergedOf(rows);
}

function mergedOf(rows: HistogramRow[]): MergedHistograms {
  const merged: MergedHistograms = new Map();
  for (const row of rows) {
    const key = groupKey(row.grouping, idOf(row));
    let group = merged.get(key);
    if (!group) merged.set(key, (group = { wait: [], service: [] }));
    if (row.waits) addSample(group.wait, row.minute, row.waits);
    if (row.services) addSample(group.service, row.minute, row.services);
  }
  return merged;
}

/** The id a row is grouped by. */
export function idOf(row: { grouping: Grouping; bucket: Date | null; serviceId: string | null; staffId: string | null }): string | Date | null {
  if (row.grouping === 'bucket') return row.bucket;
  if (row.grouping === 'service') return row.serviceId;
  if (row.grouping === 'staff') return row.staffId;
  return null;
}

/** Which rollup rows a call reads: the daily rows' days, and hourly rows only at the edges. */
export interface ReadPlan {
  /** Whole business-local days in [from, to): read from InsightsDailyRollup, [firstDay, endDay). */
  firstDay: string;
  endDay: string;
  /** The instants those days start and end: hourly rows before and after them are the edges. */
  wholeFrom: Date;
  wholeTo: Date;
}

/**
 * The whole local days of the period, or null when there are none or the series is by hour
 * (hourly buckets need the hourly rows). The hourly rows whose start lies in [wholeFrom,
 * wholeTo) are exactly those the daily rows of [firstDay, endDay) sum up, as both use the
 * business-local day (the queues' zone is the business's).
 */
export function readPlan(scope: Pick<InsightsScope, 'from' | 'to' | 'granularity' | 'timezone'>): ReadPlan | null {
  if (scope.granularity === 'HOUR') return null;
  const startOfDay = (at: Date) => DateTime.fromJSDate(at, { zone: scope.timezone }).startOf('day');
  const fromDay = startOfDay(scope.from);
  const first = fromDay.toMillis() === scope.from.getTime() ? fromDay : fromDay.plus({ days: 1 }).startOf('day');
  const end = startOfDay(scope.to);
  if (!first.isValid || !end.isValid || first.toMillis() >= end.toMillis()) return null;
  return { firstDay: first.toISODate()!, endDay: end.toISODate()!, wholeFrom: first.toJSDate(), wholeTo: end.toJSDate() };
}

/**
 * The rows of the daily path, each tagged with the grouping ("g": bucket, service or staff) it
 * is read for, and the group's id. The daily rows of a grouping are those of the coarsest level
 * that still tells it apart and honours the filters: the series reads per-queue rows of "all
 * services, all staff" (or the filtered service or staff member's), a service breakdown the
 * per-service rows, a staff breakdown the per-staff rows; hourly rows at the edges count for
 * every grouping. Each row carries its local day, the bit of each of its hours since the day
 * began (distinct hours per day: bit_or) and its joins per local clock hour.
 */
function dailyPathRows(scope: InsightsScope, plan: ReadPlan): Prisma.Sql {
  const unit = units[scope.granularity];
  const byService = scope.serviceId !== null;
  const byStaff = scope.staffId !== null;
  const filters = (alias: string) => Prisma.sql`
        AND (${scope.queueId}::uuid IS NULL OR ${Prisma.raw(alias)}."queueId" = ${scope.queueId}::uuid)
        AND (${scope.serviceId}::uuid IS NULL OR ${Prisma.raw(alias)}."serviceId" = ${scope.serviceId}::uuid)
        AND (${scope.staffId}::uuid IS NULL OR ${Prisma.raw(alias)}."staffId" = ${scope.staffId}::uuid)`;
  return Prisma.sql`
    WITH "groupings"("g", "byService", "byStaff") AS (
      VALUES ('bucket', ${byService}::boolean, ${byStaff}::boolean), ('service', true, ${byStaff}::boolean), ('staff', ${byService}::boolean, true)
    ), "edges" AS (
      SELECT r.*, (r."hourStart" AT TIME ZONE 'UTC') AT TIME ZONE ${scope.timezone} AS "localStart"
      FROM "InsightsRollup" r
      WHERE r."businessId" = ${scope.businessId}::uuid
        AND ((r."hourStart" >= ${scope.from}::timestamp(3) AND r."hourStart" < ${plan.wholeFrom}::timestamp(3))
          OR (r."hourStart" >= ${plan.wholeTo}::timestamp(3) AND r."hourStart" < ${scope.to}::timestamp(3)))
        ${filters('r')}
    ), "tagged" AS (
      SELECT g."g", d."day", d."serviceId", d."staffId", d."joined", d."served", d."noShows", d."cancelled", d."abandoned",
             d."hoursMask" AS "mask", d."joinedByHour", d."waitHistogram", d."serviceHistogram",
             d."etaSamples", d."etaAbsSeconds", d."etaSignedSeconds", d."etaLatestSamples", d."etaLatestAbsSeconds"
      FROM "InsightsDailyRollup" d
      JOIN "groupings" g ON (d."serviceId" <> ${allId}::uuid) = g."byService" AND (d."staffId" <> ${allId}::uuid) = g."byStaff"
      WHERE d."businessId" = ${scope.businessId}::uuid AND d."day" >= ${plan.firstDay}::date AND d."day" < ${plan.endDay}::date
        ${filters('d')}
      UNION ALL
      SELECT g."g", e."localStart"::date, e."serviceId", e."staffId", e."joined", e."served", e."noShows", e."cancelled", e."abandoned",
             1 << floor(extract(epoch FROM e."hourStart" - ((e."localStart"::date::timestamp AT TIME ZONE ${scope.timezone}) AT TIME ZONE 'UTC')) / 3600)::int,
             array_fill(0, ARRAY[extract(hour FROM e."localStart")::int]) || e."joined", e."waitHistogram", e."serviceHistogram",
             e."etaSamples", e."etaAbsSeconds", e."etaSignedSeconds", e."etaLatestSamples", e."etaLatestAbsSeconds"
      FROM "edges" e CROSS JOIN "groupings" g
    ), "rows" AS (
      SELECT t.*,
        CASE WHEN t."g" = 'bucket' THEN date_trunc(${unit}, t."day"::timestamp) AT TIME ZONE ${scope.timezone} END AS "bucket",
        CASE t."g" WHEN 'service' THEN t."serviceId"::text WHEN 'staff' THEN t."staffId"::text END AS "id"
      FROM "tagged" t
    )`;
}

const sums = Prisma.sql`
  sum("joined")::int AS "joined", sum("served")::int AS "served", sum("noShows")::int AS "noShows",
  sum("cancelled")::int AS "cancelled", sum("abandoned")::int AS "abandoned"`;
const etaSums = Prisma.sql`
  sum("etaSamples")::int AS "etaSamples", sum("etaAbsSeconds")::float8 AS "etaAbsSeconds",
  sum("etaSignedSeconds")::float8 AS "etaSignedSeconds", sum("etaLatestSamples")::int AS "etaLatestSamples",
  sum("etaLatestAbsSeconds")::float8 AS "etaLatestAbsSeconds"`;

/** Statement one of the daily path: counts and sums per grouping, distinct hours summed per day. */
async function readDailyFigures(prisma: PrismaClient, scope: InsightsScope, plan: ReadPlan): Promise<FigureRow[]> {
  return prisma.$queryRaw<FigureRow[]>`
    ${dailyPathRows(scope, plan)}, "perDay" AS (
      SELECT "g", "bucket", "id", "day", ${sums}, bit_count(bit_or("mask")::bit(32))::int AS "hours", ${etaSums}
      FROM "rows" GROUP BY "g", "bucket", "id", "day"
    )
    SELECT "g" AS "grouping", "bucket", CASE WHEN "g" = 'service' THEN "id" END AS "serviceId", CASE WHEN "g" = 'staff' THEN "id" END AS "staffId",
           NULL::int AS "dow", NULL::int AS "hour", ${sums}, sum("hours")::int AS "hours", ${etaSums}
    FROM "perDay" GROUP BY "g", "bucket", "id"
    UNION ALL
    SELECT 'total', NULL, NULL, NULL, NULL, NULL, ${sums}, sum("hours")::int, ${etaSums}
    FROM "perDay" WHERE "g" = 'bucket'
    UNION ALL
    SELECT 'hourOfWeek', NULL, NULL, NULL, extract(isodow FROM r."day")::int, h."i"::int - 1, sum(h."n")::int, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    FROM "rows" r, unnest(r."joinedByHour") WITH ORDINALITY AS h("n", "i")
    WHERE r."g" = 'bucket' AND h."n" > 0
    GROUP BY extract(isodow FROM r."day"), h."i"`;
}

/**
 * Statement two of the daily path: the histograms per bucket, service and staff member, each
 * summed from its own grouping's rows in one hash aggregation; the total is the sum of the
 * buckets' (they partition the period), added up here rather than unnesting the rows twice.
 */
async function readDailyHistograms(prisma: PrismaClient, scope: InsightsScope, plan: ReadPlan): Promise<MergedHistograms> {
  const rows = await prisma.$queryRaw<HistogramRow[]>`
    ${dailyPathRows(scope, plan)}
    SELECT r."g" AS "grouping", r."bucket", CASE WHEN r."g" = 'service' THEN r."id" END AS "serviceId", CASE WHEN r."g" = 'staff' THEN r."id" END AS "staffId",
           m."i"::int - 1 AS "minute", sum(coalesce(m."w", 0))::int AS "waits", sum(coalesce(m."s", 0))::int AS "services"
    FROM "rows" r, unnest(r."waitHistogram", r."serviceHistogram") WITH ORDINALITY AS m("w", "s", "i")
    WHERE m."w" > 0 OR m."s" > 0
    GROUP BY r."g", r."bucket", r."id", m."i"`;
  const total = rows.filter((row) => row.grouping === 'bucket').map((row) => ({ ...row, grouping: 'total' as const, bucket: null }));
  return mergedOf([...rows, ...total]);
}

/**
 * Statement one: the counts and sums of every grouping. Whole local days are read from the
 * daily rollups (a year is ~365 rows per queue and level instead of ~24x as many hourly ones),
 * the edges and hourly series from the hourly rows; `hourlyOnly` forces the hourly path (the
 * tests check both give the same figures).
 */
export function readFigures(prisma: PrismaClient, scope: InsightsScope, options: { hourlyOnly?: boolean } = {}): Promise<FigureRow[]> {
  const plan = options.hourlyOnly ? null : readPlan(scope);
  return plan ? readDailyFigures(prisma, scope, plan) : readHourlyFigures(prisma, scope);
}

/** Statement two: the merged histograms of every grouping, from the same rows as readFigures. */
export function readHistograms(prisma: PrismaClient, scope: InsightsScope, options: { hourlyOnly?: boolean } = {}): Promise<MergedHistograms> {
  const plan = options.hourlyOnly ? null : readPlan(scope);
  return plan ? readDailyHistograms(prisma, scope, plan) : readHourlyHistograms(prisma, scope);
}
