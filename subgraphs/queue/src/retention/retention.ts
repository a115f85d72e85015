import type { PrismaClient } from '@waitlessq/database';

/** Rows changed per statement: each batch is its own short transaction, so a long history never holds many locks at once. */
export const retentionBatchSize = 1000;

export interface VisitRetentionResult {
  /** Ended visits that lost their personal fields. */
  visits: number;
  /** History events of those visits whose actor was the customer (the link to the person, cut). */
  visitEvents: number;
  /** Finished standby entries that lost their name and contact details. */
  standbyEntries: number;
}

/**
 * The retention window of the queue subgraph's own tables (each subgraph erases only its own):
 * visits of the organization that ended (DONE, NO_SHOW, CANCELLED) and were created before
 * `cutoff` lose every personal field: the name becomes '' (the column is NOT NULL), phone,
 * email, both notes, the customer link, the visit token's hash and the language become null.
 * Nothing else changes (statuses, timings, estimates, service, queue, staff, rolledUpAt,
 * updatedAt), so insights answer the same before and after. Their history events keep the
 * staff who acted and lose the customer's id where the customer acted. History details hold
 * no personal data (counter, placement, queue, service and time changes) and Notification
 * rows none either (kind, channel, status, the provider's message id): both stay as they are.
 * Finished standby entries (BOOKED, CANCELLED, EXPIRED) created before the cutoff lose name,
 * phone, email and customer link the same way.
 *
 * Only rows that still hold something personal are touched, so a second run changes nothing;
 * rows another transaction holds are skipped and taken by the next run.
 */
export async function applyVisitRetention(
  prisma: PrismaClient,
  organizationId: string,
  cutoff: Date,
  batchSize = retentionBatchSize,
): Promise<VisitRetentionResult> {
  const result: VisitRetentionResult = { visits: 0, visitEvents: 0, standbyEntries: 0 };
  // Keyset over (createdAt, id): one run reads the old history once, however many batches it takes.
  let after: { createdAt: Date; id: string } = { createdAt: new Date(0), id: '00000000-0000-0000-0000-000000000000' };
  for (;;) {
    const [batch] = await prisma.$queryRaw<{ visits: number; events: number; lastCreatedAt: Date | null; lastId: string | null }[]>`
      WITH batch AS (
        SELECT "id", "createdAt" FROM "Visit"
        WHERE "organizationId" = ${organizationId}::uuid AND "createdAt" < ${cutoff}::timestamp(3)
          AND ("createdAt", "id") > (${after.createdAt}::timestamp(3), ${after.id}::uuid)
          AND "status" IN ('DONE', 'NO_SHOW', 'CANCELLED')
          AND ("customerName" <> '' OR "customerPhone" IS NOT NULL OR "customerEmail" IS NOT NULL OR "customerNotes" IS NOT NULL
            OR "internalNotes" IS NOT NULL OR "customerId" IS NOT NULL OR "visitTokenHash" IS NOT NULL OR "locale" IS NOT NULL)
        ORDER BY "createdAt", "id"
        LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED
      ), visits AS (
        UPDATE "Visit" AS v
        SET "customerName" = '', "customerPhone" = NULL, "customerEmail" = NULL, "customerNotes" = NULL, "internalNotes" = NULL,
            "customerId" = NULL, "visitTokenHash" = NULL, "locale" = NULL
        FROM batch WHERE v."id" = batch."id"
        RETURNING v."id", v."createdAt"
      ), events AS (
        UPDATE "VisitEvent" AS e SET "actorId" = NULL
        FROM visits WHERE e."visitId" = visits."id" AND e."actorKind" = 'customer' AND e."actorId" IS NOT NULL
        RETURNING e."id"
      ), last AS (
        SELECT "createdAt", "id" FROM visits ORDER BY "createdAt" DESC, "id" DESC LIMIT 1
      )
      SELECT (SELECT count(*) FROM visits)::int AS visits, (SELECT count(*) FROM events)::int AS events,
             (SELECT "createdAt" FROM last) AS "lastCreatedAt", (SELECT "id"::text FROM last) AS "lastId"`;
    result.visits += batch.visits;
    result.visitEvents += batch.events;
    if (batch.visits < batchSize || !batch.lastCreatedAt || !batch.lastId) break;
    after = { createdAt: batch.lastCreatedAt, id: batch.lastId };
  }
  for (;;) {
    const entries = await prisma.$executeRaw`
      UPDATE "StandbyEntry" SET "customerName" = '', "customerPhone" = NULL, "customerEmail" = NULL, "customerId" = NULL
      WHERE "id" IN (
        SELECT "id" FROM "StandbyEntry"
        WHERE "organizationId" = ${organizationId}::uuid AND "createdAt" < ${cutoff}::timestamp(3)
          AND "status" IN ('BOOKED', 'CANCELLED', 'EXPIRED')
          AND ("customerName" <> '' OR "customerPhone" IS NOT NULL OR "customerEmail" IS NOT NULL OR "customerId" IS NOT NULL)
        ORDER BY "createdAt", "id"
        LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED
      )`;
    result.standbyEntries += entries;
    if (entries < batchSize) break;
  }
  return result;
}

/**
 * The customers of the organization the queue subgraph still needs: those with a visit or a
 * standby entry created at or after `since`, and those with one still going on whenever it
 * was created (an appointment booked long ahead, a standby entry still waiting). The user
 * subgraph keeps these when it deletes inactive customers.
 */
export async function customersWithVisitsSince(prisma: PrismaClient, organizationId: string, since: Date): Promise<string[]> {
  // Separate selects, each on an index (organization and time; status first), rather than one OR over the whole history.
  const rows = await prisma.$queryRaw<{ customerId: string }[]>`
    SELECT "customerId"::text FROM "Visit"
    WHERE "organizationId" = ${organizationId}::uuid AND "createdAt" >= ${since}::timestamp(3) AND "customerId" IS NOT NULL
    UNION
    SELECT "customerId"::text FROM "Visit"
    WHERE "status" IN ('PENDING', 'BOOKED', 'WAITING', 'CALLED', 'SERVING') AND "organizationId" = ${organizationId}::uuid AND "customerId" IS NOT NULL
    UNION
    SELECT "customerId"::text FROM "StandbyEntry"
    WHERE "organizationId" = ${organizationId}::uuid AND "customerId" IS NOT NULL
      AND ("createdAt" >= ${since}::timestamp(3) OR "status" IN ('WAITING', 'OFFERED'))`;
  return rows.map((row) => row.customerId);
}
