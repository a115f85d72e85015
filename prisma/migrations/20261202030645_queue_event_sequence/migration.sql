-- Queue event sequences are issued by PostgreSQL from now on (subgraphs/queue/src/events/publisher.ts).
-- Existing queues start at 0: their first publish is refused by the Redis event log, which still
-- holds the old counter, and the publisher moves the column up to it (never down), so a queue keeps
-- numbering where Redis left it; a queue Redis knows nothing of starts at 1.
-- AlterTable
ALTER TABLE "Queue" ADD COLUMN     "lastEventSequence" INTEGER NOT NULL DEFAULT 0;
