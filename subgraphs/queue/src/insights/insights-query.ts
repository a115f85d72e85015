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
  metric: 'wait' | 'service';
  minute: number;
  count: number;
}

/**
 * Statement two: the histograms of the total, each bucket, service and staff member, merged
 * in the database (element-wise sums over the non-zero elements), as (minute, count) rows.
 */
export async function readHistograms(prisma: PrismaClient, scope: InsightsScope): Promise<MergedHistograms> {
  const rows = await prisma.$queryRaw<HistogramRow[]>`
    ${scopedRows(scope)}, "samples" AS (
      SELECT r."bucket", r."serviceId", r."staffId", 'wait' AS "metric", m."i"::int - 1 AS "minute", m."n"
      FROM "rows" r, unnest(r."waitHistogram") WITH ORDINALITY AS m("n", "i") WHERE m."n" > 0
      UNION ALL
      SELECT r."bucket", r."serviceId", r."staffId", 'service', m."i"::int - 1, m."n"
      FROM "rows" r, unnest(r."serviceHistogram") WITH ORDINALITY AS m("n", "i") WHERE m."n" > 0
    )
    SELECT ${groupingOf} AS "grouping", "bucket", "serviceId"::text, "staffId"::text, "metric", "minute", sum("n")::int AS "count"
    FROM "samples"
    GROUP BY "metric", "minute", GROUPING SETS ((), ("bucket"), ("serviceId"), ("staffId"))`;
  const merged: MergedHistograms = new Map();
  for (const row of rows) {
    const key = groupKey(row.grouping, idOf(row));
    let group = merged.get(key);
    if (!group) merged.set(key, (group = { wait: [], service: [] }));
    addSample(group[row.metric], row.minute, row.count);
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
