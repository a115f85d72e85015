import { Prisma } from '@waitlessq/database';
import { appointmentGraceMs, appointmentHorizonMs, type Db } from '../visits/line';
import type { LineRows } from './latest-estimates';
import type { QueueChange } from './queue-event';
import { visitRowSql } from './visit-row';

export interface QueueEventRead {
  /** The event as the JSON text the log keeps (QueueEventData). */
  event: string;
  /** The sequence issued to it: the queue's lastEventSequence, bumped by the same statement. */
  sequence: number;
  /** The same line in the compact form the latest estimates and the effects are computed from. */
  line: LineRows;
}

/**
 * The event of a change, built by PostgreSQL in one statement however long the line: the queue
 * row, its WAITING, CALLED and SERVING visits, the booked appointments expected to enter its
 * line (they shape estimates), plus the visits the change named wherever they are now (a
 * cancelled visit has left the line, a transferred one is in another queue, but their
 * subscribers must see them) with the rows of those other queues, and the business's
 * measured service times. The event text goes
 * to the log as it is: a long line's event is megabytes, not worth parsing and serializing
 * again; the line comes a second time, compact, for the publisher's estimates. Null when the
 * queue does not exist.
 *
 * The same statement issues the event's sequence (lastEventSequence + 1, a round trip less per
 * event). Only the relay reads events, in its transaction, which holds the queue's relay lock:
 * a rollback gives the number back. The snapshot's queue row is read as it was before that
 * UPDATE, and leaves lastEventSequence out anyway.
 */
export async function readQueueEvent(db: Db, queueId: string, change: QueueChange, now = new Date()): Promise<QueueEventRead | null> {
  // The rule of visits/line.ts expectedAppointments.
  const expected = Prisma.sql`v."status" = 'BOOKED'::"VisitStatus" AND v."kind" = 'APPOINTMENT'::"VisitKind"
    AND v."scheduledAt" <= ${new Date(now.getTime() + appointmentHorizonMs)}::timestamp(3)
    AND (v."checkInDeadline" >= ${now}::timestamp(3)
         OR (v."checkInDeadline" IS NULL AND v."scheduledAt" >= ${new Date(now.getTime() - appointmentGraceMs)}::timestamp(3)))`;
  const rows = await db.$queryRaw<QueueEventRead[]>`
    WITH "issued" AS (
      UPDATE "Queue" SET "lastEventSequence" = GREATEST("lastEventSequence", 0) + 1
      WHERE "id" = ${queueId}::uuid RETURNING "lastEventSequence" AS "sequence"
    ),
    times AS (
      SELECT COALESCE(json_object_agg(s."serviceKey", s."averageSeconds"), '{}'::json) AS "serviceTimes"
      FROM "ServiceTimeStat" s JOIN "Queue" q ON s."businessId" = q."businessId"
      WHERE q."id" = ${queueId}::uuid
    )
    SELECT json_build_object(
      'queueId', q."id",
      'organizationId', q."organizationId",
      'change', ${JSON.stringify(change)}::json,
      'snapshot', json_build_object(
        'queue', to_jsonb(q) - 'idempotencyKey' - 'lastEventSequence',
        'visits', COALESCE((
          SELECT json_agg(${visitRowSql})
          FROM "Visit" v
          WHERE (v."queueId" = q."id" AND (v."status" IN ('WAITING', 'CALLED', 'SERVING') OR (${expected})))
             OR v."id" = ANY(${change.visitIds}::uuid[])
        ), '[]'::json),
        'appointmentIds', COALESCE((SELECT json_agg(v."id") FROM "Visit" v WHERE v."queueId" = q."id" AND ${expected}), '[]'::json),
        'otherQueues', COALESCE((
          SELECT json_agg(to_jsonb(o) - 'idempotencyKey' - 'lastEventSequence')
          FROM "Queue" o
          WHERE o."id" <> q."id" AND o."id" IN (SELECT n."queueId" FROM "Visit" n WHERE n."id" = ANY(${change.visitIds}::uuid[]))
        ), '[]'::json),
        'serviceTimes', times."serviceTimes"
      )
    )::text AS "event",
    json_build_object(
      'businessId', q."businessId",
      'notifyAtPosition', q."notifyAtPosition",
      'named', COALESCE((
        SELECT json_agg(json_build_object('id', v."id", 'status', v."status", 'kind', v."kind", 'ticket', v."ticket",
          'queueId', v."queueId", 'serviceId', v."serviceId", 'scheduledAt', v."scheduledAt", 'customerId', v."customerId"))
        FROM "Visit" v WHERE v."id" = ANY(${change.visitIds}::uuid[])
      ), '[]'::json),
      'countersOpen', q."countersOpen",
      'serviceTimes', times."serviceTimes",
      'waiting', COALESCE((
        SELECT json_agg(json_build_array(v."id", v."priority", v."lineAt", v."ticketNumber", v."serviceId", v."expectedServiceMinutes", v."latestEstimateMinutes"))
        FROM "Visit" v WHERE v."queueId" = q."id" AND v."status" = 'WAITING'::"VisitStatus"
      ), '[]'::json),
      'appointments', COALESCE((
        SELECT json_agg(json_build_array(v."id", v."priority", v."scheduledAt", v."ticketNumber", v."serviceId", v."expectedServiceMinutes", NULL))
        FROM "Visit" v WHERE v."queueId" = q."id" AND ${expected}
      ), '[]'::json)
    ) AS "line",
    (SELECT "sequence" FROM "issued") AS "sequence"
    FROM "Queue" q, times
    WHERE q."id" = ${queueId}::uuid`;
  return rows[0] ?? null;
}
