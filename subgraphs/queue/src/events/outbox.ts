import type { Db } from '../visits/line';
import type { QueueChange, QueueChangeKind } from './queue-event';

/**
 * The queue subgraph's transactional outbox. Triggers write a row in the transaction of every
 * change of a visit (its history event) or of a queue (migration
 * 20261202053217_notifications_outbox_webhooks), so no code path can commit a change and
 * forget its effects. The relay (publisher.ts) hands each row on and deletes it.
 */
export interface OutboxRow {
  /** bigserial, as text: the order of a queue's changes, and the key that makes effects idempotent. */
  id: string;
  organizationId: string;
  queueId: string;
  kind: OutboxKind;
  visitIds: string[];
  createdAt: Date;
}

/** A live change, or a reminder that came due (effects only: nothing changed in the line). */
export type OutboxKind = QueueChangeKind | 'APPOINTMENT_REMINDER_DUE';

/** A change no trigger records (tests, benchmarks): written as the triggers would. */
export async function recordChange(db: Db, queueId: string, change: QueueChange): Promise<void> {
  await db.$executeRaw`
    INSERT INTO "OutboxEvent" ("organizationId", "queueId", "kind", "visitIds")
    SELECT "organizationId", "id", ${change.kind}, ${change.visitIds}::uuid[] FROM "Queue" WHERE "id" = ${queueId}::uuid`;
}

/**
 * Takes the oldest rows of a queue, in the order they were written, in one statement: they are
 * deleted in the caller's transaction (which holds the queue's relay lock), so they come back
 * if the relay fails before its commit.
 */
export async function takeRows(db: Db, queueId: string, limit: number): Promise<(OutboxRow & { lagSeconds: number })[]> {
  // lagSeconds: from the row's commit to now, on the server's clock (createdAt is its local time).
  const rows = await db.$queryRaw<(OutboxRow & { lagSeconds: number })[]>`
    DELETE FROM "OutboxEvent" WHERE "id" IN (
      SELECT "id" FROM "OutboxEvent" WHERE "queueId" = ${queueId}::uuid ORDER BY "id" LIMIT ${limit}
    )
    RETURNING "id"::text AS "id", "organizationId", "queueId", "kind", "visitIds", "createdAt",
      EXTRACT(EPOCH FROM clock_timestamp()::timestamp - "createdAt")::float8 AS "lagSeconds"`;
  // RETURNING keeps no order.
  return rows.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
}

/**
 * Queues with rows older than `olderThanMs`: left by a process that died between its commit
 * and its relay (or whose relay failed), oldest first; and the age of the oldest row not
 * relayed yet (0 when none), in the same statement (the outbox lag metric).
 */
export async function queuesWithStaleRows(db: Db, olderThanMs: number, limit: number): Promise<{ queueIds: string[]; oldestAgeSeconds: number }> {
  const [row] = await db.$queryRaw<{ queueIds: string[] | null; oldestAgeSeconds: number | null }[]>`
    SELECT (
      SELECT array_agg("queueId"::text) FROM (
        SELECT "queueId" FROM "OutboxEvent"
        WHERE "createdAt" < ${new Date(Date.now() - olderThanMs)}::timestamp(3)
        GROUP BY "queueId" ORDER BY min("id") LIMIT ${limit}
      ) AS stale
    ) AS "queueIds",
    (SELECT EXTRACT(EPOCH FROM clock_timestamp()::timestamp - min("createdAt"))::float8 FROM "OutboxEvent") AS "oldestAgeSeconds"`;
  return { queueIds: row?.queueIds ?? [], oldestAgeSeconds: Math.max(0, row?.oldestAgeSeconds ?? 0) };
}
