import { Prisma, type PrismaClient } from '@waitlessq/database';
import type { Histogram } from './histogram';
import { addSample } from './histogram';

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
export async function readFigures(prisma: PrismaClient, scope: InsightsScope): Promise<FigureRow[]> {
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
export async function readHistograms(prisma: PrismaClient, scope: InsightsScope): Promise<MergedHistograms> {
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
