import type { Prisma } from '@waitlessq/database';

/**
 * The next ticket number of a queue's business-local day, bumped inside the caller's
 * transaction, which holds the queue's row lock: numbers are handed out one at a time, and a
 * visit whose transaction rolls back gives its number back, so a day's tickets have no gaps.
 */
export async function nextTicketNumber(tx: Prisma.TransactionClient, queueId: string, day: string): Promise<number> {
  const [{ lastNumber }] = await tx.$queryRaw<{ lastNumber: number }[]>`
    INSERT INTO "TicketCounter" ("queueId", "day", "lastNumber")
    VALUES (${queueId}::uuid, ${day}::date, 1)
    ON CONFLICT ("queueId", "day") DO UPDATE SET "lastNumber" = "TicketCounter"."lastNumber" + 1
    RETURNING "lastNumber"`;
  return lastNumber;
}
