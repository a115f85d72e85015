import type { PrismaClient } from '@waitlessq/database';

/**
 * The retention window of the pwa subgraph's own table: push subscriptions of the organization
 * created before `cutoff` are deleted (a device's address and keys, tied to one visit that is
 * long over). In batches, each its own short statement; a second run deletes nothing.
 */
export async function deletePushSubscriptionsBefore(prisma: PrismaClient, organizationId: string, cutoff: Date, batchSize = 1000): Promise<number> {
  let deleted = 0;
  for (;;) {
    const batch = await prisma.$executeRaw`
      DELETE FROM "PushSubscription" WHERE "id" IN (
        SELECT "id" FROM "PushSubscription"
        WHERE "organizationId" = ${organizationId}::uuid AND "createdAt" < ${cutoff}::timestamp(3)
        LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED
      )`;
    deleted += batch;
    if (batch < batchSize) return deleted;
  }
}
