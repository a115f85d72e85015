import { Prisma } from '@waitlessq/database';

/**
 * Bumps and returns (`RETURNING "lastNumber"`) the next ticket number of a queue's
 * business-local day, as a statement to run inside the caller's transaction, which holds the
 * queue's row lock: numbers are handed out one at a time, and a visit whose transaction rolls
 * back gives its number back, so a day's tickets have no gaps. line-read.ts runs it with the
 * line's read, in one statement.
 */
export function ticketBump(queueId: string, day: string): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO "TicketCounter" ("queueId", "day", "lastNumber")
    VALUES (${queueId}::uuid, ${day}::date, 1)
    ON CONFLICT ("queueId", "day") DO UPDATE SET "lastNumber" = "TicketCounter"."lastNumber" + 1
    RETURNING "lastNumber"`;
}
