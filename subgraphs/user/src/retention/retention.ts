import type { PrismaClient } from '@waitlessq/database';

export interface CustomerRetentionResult {
  customers: number;
  refreshSessions: number;
  /** PUSH opt-outs keyed by the deleted customers' ids (customer:<id>). */
  pushOptOuts: number;
}

/**
 * The retention window of the user subgraph's own tables: customers of the organization
 * created before `cutoff` who are not in `keep` (the queue subgraph's customers with a visit in
 * the window, or one still going on: customersWithVisitsSince) and who have not signed in
 * since the cutoff are deleted, with their refresh sessions and their PUSH opt-outs (keyed by
 * the customer's id, which then names nobody). EMAIL and SMS opt-outs stay: they are keyed by
 * the address, not the customer, and are the record that this address refused messages, which
 * must outlive the account (a new visit with the same phone must still not be texted).
 * In batches, each one statement; a second run deletes nothing.
 */
export async function deleteInactiveCustomers(
  prisma: PrismaClient,
  organizationId: string,
  cutoff: Date,
  keep: string[],
  batchSize = 500,
): Promise<CustomerRetentionResult> {
  const result: CustomerRetentionResult = { customers: 0, refreshSessions: 0, pushOptOuts: 0 };
  for (;;) {
    const [batch] = await prisma.$queryRaw<{ customers: number; sessions: number; optOuts: number }[]>`
      WITH doomed AS (
        SELECT c."id" FROM "Customer" c
        WHERE c."organizationId" = ${organizationId}::uuid AND c."createdAt" < ${cutoff}::timestamp(3)
          AND NOT (c."id" = ANY(${keep}::uuid[]))
          AND NOT EXISTS (
            SELECT 1 FROM "RefreshSession" s
            WHERE s."subjectId" = c."id" AND s."subjectKind" = 'CUSTOMER' AND s."createdAt" >= ${cutoff}::timestamp(3))
        ORDER BY c."id"
        LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED
      ), sessions AS (
        DELETE FROM "RefreshSession" s USING doomed
        WHERE s."subjectId" = doomed."id" AND s."subjectKind" = 'CUSTOMER'
        RETURNING s."id"
      ), opt_outs AS (
        DELETE FROM "NotificationOptOut" o USING doomed
        WHERE o."organizationId" = ${organizationId}::uuid AND o."channel" = 'PUSH' AND o."address" = 'customer:' || doomed."id"::text
        RETURNING o."address"
      ), customers AS (
        DELETE FROM "Customer" c USING doomed WHERE c."id" = doomed."id"
        RETURNING c."id"
      )
      SELECT (SELECT count(*) FROM customers)::int AS customers, (SELECT count(*) FROM sessions)::int AS sessions,
             (SELECT count(*) FROM opt_outs)::int AS "optOuts"`;
    result.customers += batch.customers;
    result.refreshSessions += batch.sessions;
    result.pushOptOuts += batch.optOuts;
    if (batch.customers < batchSize) return result;
  }
}
