import { Prisma, type PrismaClient } from '@waitlessq/database';
import { dailyIncrements, rollupIncrements, type DailyIncrement, type FinishedVisit, type RollupIncrement } from './rollup-increments';

/** Visits one transaction rolls up at most, so one pass never holds many locks. */
export const rollupBatchSize = 500;
/** Batches one pass takes at most; a backlog (the first run over an old history) takes several passes. */
const batchesPerPass = 40;
/** A batch takes well under a second; on a loaded machine much longer, and it is better finished than retried. */
const rollupTransactionTimeoutMs = 60_000;

export interface RollupResult {
  visits: number;
  /** Hourly rows written (InsightsRollup). */
  rows: number;
  /** Daily rows written (InsightsDailyRollup, four levels). */
  dailyRows: number;
}

/** `array + array` element-wise, the shorter one read as zeros past its end. */
const elementwise = (column: string) =>
  Prisma.raw(`ARRAY(
          SELECT coalesce(r."${column}"[i], 0) + coalesce(excluded."${column}"[i], 0)
          FROM generate_series(1, greatest(cardinality(r."${column}"), cardinality(excluded."${column}"))) AS i ORDER BY i)`);

/**
 * Rolls up one batch of finished visits not counted yet, in one transaction: the visits are
 * locked (SKIP LOCKED: another replica's pass takes other ones), their increments added to the
 * rollup rows, and the visits marked `rolledUpAt`. A visit is counted exactly once:
 * - only visits with `rolledUpAt` null are taken, and FOR UPDATE re-reads that condition on the
 *   latest committed row, so a visit another pass has just marked is not taken again;
 * - the marking and the increments, hourly and daily, commit together or not at all (a failed pass leaves the
 *   visits for the next one, having added nothing);
 * - final states (DONE, NO_SHOW, CANCELLED) are terminal (visits/transitions.ts), so a counted
 *   visit never changes the figures it was counted with.
 * Rows are upserted in key order, hourly then daily, so two passes adding to the same rows
 * cannot deadlock.
 */
export async function rollUpFinishedVisits(prisma: PrismaClient, batchSize = rollupBatchSize, now = new Date()): Promise<RollupResult> {
  return prisma.$transaction(
    async (tx) => {
      const visits = await tx.$queryRaw<FinishedVisit[]>`
      SELECT v."id", v."businessId", v."organizationId", v."queueId", v."serviceId", v."calledById", v."status"::text AS "status",
             q."timezone", v."joinedAt", v."scheduledAt", v."createdAt", v."calledAt", v."servedAt", v."doneAt",
             v."waitSeconds", v."firstEstimateMinutes", v."latestEstimateMinutes"
      FROM "Visit" v JOIN "Queue" q ON q."id" = v."queueId"
      WHERE v."rolledUpAt" IS NULL AND v."status" IN ('DONE'::"VisitStatus", 'NO_SHOW'::"VisitStatus", 'CANCELLED'::"VisitStatus")
      LIMIT ${batchSize}
      FOR UPDATE OF v SKIP LOCKED`;
      if (visits.length === 0) return { visits: 0, rows: 0, dailyRows: 0 };
      const increments = rollupIncrements(visits);
      const daily = dailyIncrements(visits);
      await addIncrements(tx, increments, daily, now);
      const ids = visits.map((visit) => visit.id);
      const marked = await tx.$executeRaw`
      UPDATE "Visit" SET "rolledUpAt" = ${now}::timestamp(3) WHERE "id" = ANY(${ids}::uuid[]) AND "rolledUpAt" IS NULL`;
      // The visits are locked by this transaction, so all are still unmarked; anything else rolls the increments back.
      if (marked !== ids.length) throw new Error(`insights rollup: marked ${marked} of ${ids.length} visits`);
      return { visits: visits.length, rows: increments.length, dailyRows: daily.length };
    },
    { timeout: rollupTransactionTimeoutMs },
  );
}

/**
 * Adds hourly and daily increments (each in key order) to their rollup rows, hourly first:
 * the one way rows are written, so any two writers lock rows in the same order.
 */
export async function addIncrements(tx: Prisma.TransactionClient | PrismaClient, hourly: RollupIncrement[], daily: DailyIncrement[], now: Date): Promise<void> {
  await tx.$executeRaw`
      INSERT INTO "InsightsRollup" AS r ("businessId", "organizationId", "queueId", "serviceId", "staffId", "hourStart",
        "joined", "served", "noShows", "cancelled", "abandoned", "waitHistogram", "serviceHistogram",
        "etaSamples", "etaAbsSeconds", "etaSignedSeconds", "etaLatestSamples", "etaLatestAbsSeconds", "updatedAt")
      SELECT x."businessId", x."organizationId", x."queueId", x."serviceId", x."staffId", x."hourStart",
             x."joined", x."served", x."noShows", x."cancelled", x."abandoned", x."waitHistogram", x."serviceHistogram",
             x."etaSamples", x."etaAbsSeconds", x."etaSignedSeconds", x."etaLatestSamples", x."etaLatestAbsSeconds", ${now}::timestamp(3)
      FROM jsonb_to_recordset(${JSON.stringify(hourly)}::jsonb) AS x(
        "businessId" uuid, "organizationId" uuid, "queueId" uuid, "serviceId" uuid, "staffId" uuid, "hourStart" timestamp(3),
        "joined" int, "served" int, "noShows" int, "cancelled" int, "abandoned" int, "waitHistogram" int[], "serviceHistogram" int[],
        "etaSamples" int, "etaAbsSeconds" bigint, "etaSignedSeconds" bigint, "etaLatestSamples" int, "etaLatestAbsSeconds" bigint)
      ORDER BY x."businessId", x."hourStart", x."queueId", x."serviceId", x."staffId"
      ON CONFLICT ("businessId", "hourStart", "queueId", "serviceId", "staffId") DO UPDATE SET
        "joined" = r."joined" + excluded."joined",
        "served" = r."served" + excluded."served",
        "noShows" = r."noShows" + excluded."noShows",
        "cancelled" = r."cancelled" + excluded."cancelled",
        "abandoned" = r."abandoned" + excluded."abandoned",
        "waitHistogram" = ${elementwise('waitHistogram')},
        "serviceHistogram" = ${elementwise('serviceHistogram')},
        "etaSamples" = r."etaSamples" + excluded."etaSamples",
        "etaAbsSeconds" = r."etaAbsSeconds" + excluded."etaAbsSeconds",
        "etaSignedSeconds" = r."etaSignedSeconds" + excluded."etaSignedSeconds",
        "etaLatestSamples" = r."etaLatestSamples" + excluded."etaLatestSamples",
        "etaLatestAbsSeconds" = r."etaLatestAbsSeconds" + excluded."etaLatestAbsSeconds",
        "updatedAt" = excluded."updatedAt"`;
  await tx.$executeRaw`
      INSERT INTO "InsightsDailyRollup" AS r ("businessId", "organizationId", "queueId", "serviceId", "staffId", "day",
        "joined", "served", "noShows", "cancelled", "abandoned", "hoursMask", "joinedByHour", "waitHistogram", "serviceHistogram",
        "etaSamples", "etaAbsSeconds", "etaSignedSeconds", "etaLatestSamples", "etaLatestAbsSeconds", "updatedAt")
      SELECT x."businessId", x."organizationId", x."queueId", x."serviceId", x."staffId", x."day",
             x."joined", x."served", x."noShows", x."cancelled", x."abandoned", x."hoursMask", x."joinedByHour", x."waitHistogram", x."serviceHistogram",
             x."etaSamples", x."etaAbsSeconds", x."etaSignedSeconds", x."etaLatestSamples", x."etaLatestAbsSeconds", ${now}::timestamp(3)
      FROM jsonb_to_recordset(${JSON.stringify(daily)}::jsonb) AS x(
        "businessId" uuid, "organizationId" uuid, "queueId" uuid, "serviceId" uuid, "staffId" uuid, "day" date,
        "joined" int, "served" int, "noShows" int, "cancelled" int, "abandoned" int, "hoursMask" int, "joinedByHour" int[],
        "waitHistogram" int[], "serviceHistogram" int[],
        "etaSamples" int, "etaAbsSeconds" bigint, "etaSignedSeconds" bigint, "etaLatestSamples" int, "etaLatestAbsSeconds" bigint)
      ORDER BY x."businessId", x."day", x."queueId", x."serviceId", x."staffId"
      ON CONFLICT ("businessId", "day", "queueId", "serviceId", "staffId") DO UPDATE SET
        "joined" = r."joined" + excluded."joined",
        "served" = r."served" + excluded."served",
        "noShows" = r."noShows" + excluded."noShows",
        "cancelled" = r."cancelled" + excluded."cancelled",
        "abandoned" = r."abandoned" + excluded."abandoned",
        "hoursMask" = r."hoursMask" | excluded."hoursMask",
        "joinedByHour" = ${elementwise('joinedByHour')},
        "waitHistogram" = ${elementwise('waitHistogram')},
        "serviceHistogram" = ${elementwise('serviceHistogram')},
        "etaSamples" = r."etaSamples" + excluded."etaSamples",
        "etaAbsSeconds" = r."etaAbsSeconds" + excluded."etaAbsSeconds",
        "etaSignedSeconds" = r."etaSignedSeconds" + excluded."etaSignedSeconds",
        "etaLatestSamples" = r."etaLatestSamples" + excluded."etaLatestSamples",
        "etaLatestAbsSeconds" = r."etaLatestAbsSeconds" + excluded."etaLatestAbsSeconds",
        "updatedAt" = excluded."updatedAt"`;
}

/** Batches until the backlog is empty (or the pass's share is done). */
export async function rollUpPass(prisma: PrismaClient, batchSize = rollupBatchSize): Promise<RollupResult> {
  const total = { visits: 0, rows: 0, dailyRows: 0 };
  for (let batch = 0; batch < batchesPerPass; batch += 1) {
    const result = await rollUpFinishedVisits(prisma, batchSize);
    total.visits += result.visits;
    total.rows += result.rows;
    total.dailyRows += result.dailyRows;
    if (result.visits < batchSize) break;
  }
  return total;
}
