import type { PrismaClient } from '@waitlessq/database';

/** Where a seeded history goes: one business's queues, services and staff. */
export interface HistoryTarget {
  organizationId: string;
  businessId: string;
  queueIds: string[];
  serviceIds: string[];
  staffIds: string[];
}

/**
 * Test and benchmark support: `count` finished visits in one INSERT ... SELECT, spread over
 * `days` days from `from` (07:00 to 19:00 UTC), with fixed pseudo-random facts (hashint4 of
 * the row number and `seed`, so a run is reproducible): about 75% served, 8% no-shows after a
 * call, 12% left the line before being called, 5% cancelled after a call; waits up to an hour,
 * services up to half an hour; a tenth without a service; estimates for most.
 */
export async function seedFinishedVisits(
  prisma: PrismaClient,
  target: HistoryTarget,
  options: { count: number; from: Date; days: number; seed?: number },
): Promise<number> {
  let inserted = 0;
  // In chunks, each statement well inside the statement timeout.
  for (let first = 1; first <= options.count; first += seedChunk) {
    inserted += await seedChunkOf(prisma, target, options, first, Math.min(options.count, first + seedChunk - 1));
  }
  return inserted;
}

const seedChunk = 5_000;

function seedChunkOf(
  prisma: PrismaClient,
  target: HistoryTarget,
  options: { from: Date; days: number; seed?: number },
  first: number,
  last: number,
): Promise<number> {
  const seed = options.seed ?? 1;
  return prisma.$executeRaw`
    WITH facts AS (
      SELECT i,
        ${options.from}::timestamp(3) + make_interval(days => i % ${options.days}, mins => 420 + abs(hashint4(i * 31 + ${seed})) % 720, secs => abs(hashint4(i * 37 + ${seed})) % 60) AS "joinedAt",
        abs(hashint4(i * 3 + ${seed})) % 100 AS fate,
        abs(hashint4(i * 5 + ${seed})) % 3600 AS wait,
        abs(hashint4(i * 7 + ${seed})) % 1800 AS service,
        abs(hashint4(i * 11 + ${seed})) % 70 AS estimate,
        abs(hashint4(i * 13 + ${seed})) AS pick
      FROM generate_series(${first}::int, ${last}::int) AS i
    ), shaped AS (
      SELECT f.*,
        CASE WHEN fate < 75 THEN 'DONE' WHEN fate < 83 THEN 'NO_SHOW' ELSE 'CANCELLED' END AS status,
        fate < 83 OR fate >= 95 AS called
      FROM facts f
    )
    INSERT INTO "Visit" ("id", "organizationId", "queueId", "businessId", "serviceId", "customerName", "status", "calledById",
      "joinedAt", "lineAt", "calledAt", "servedAt", "doneAt", "noShowAt", "cancelledAt", "waitSeconds",
      "firstEstimateMinutes", "latestEstimateMinutes", "createdAt", "updatedAt")
    SELECT gen_random_uuid(), ${target.organizationId}::uuid,
      (${target.queueIds}::uuid[])[1 + pick % ${target.queueIds.length}], ${target.businessId}::uuid,
      CASE WHEN pick % 10 = 0 THEN NULL ELSE (${target.serviceIds}::uuid[])[1 + (pick / 10) % ${target.serviceIds.length}] END,
      'Seeded', status::"VisitStatus",
      CASE WHEN called THEN (${target.staffIds}::uuid[])[1 + (pick / 100) % ${target.staffIds.length}] END,
      "joinedAt", "joinedAt",
      CASE WHEN called THEN "joinedAt" + make_interval(secs => wait) END,
      CASE WHEN status = 'DONE' THEN "joinedAt" + make_interval(secs => wait + 60) END,
      CASE WHEN status = 'DONE' THEN "joinedAt" + make_interval(secs => wait + 60 + service) END,
      CASE WHEN status = 'NO_SHOW' THEN "joinedAt" + make_interval(secs => wait + 300) END,
      CASE WHEN status = 'CANCELLED' THEN "joinedAt" + make_interval(secs => CASE WHEN called THEN wait + 120 ELSE wait / 2 END) END,
      CASE WHEN called THEN wait END,
      CASE WHEN estimate < 60 THEN estimate END,
      CASE WHEN estimate < 60 THEN estimate % 10 END,
      "joinedAt", "joinedAt"
    FROM shaped`;
}
