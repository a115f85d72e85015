import type { Db } from '../visits/line';
import type { QueueChange } from './queue-event';
import { visitRowSql } from './visit-row';

/**
 * The event of a change as the JSON text the log keeps (QueueEventData), built by PostgreSQL
 * in one statement however long the line: the queue row, its WAITING, CALLED and SERVING
 * visits plus the ones the change named (a cancelled visit has left the line but its
 * subscriber must see it), and the business's measured service times. The text goes to the
 * log as it is: a long line's event is megabytes, not worth parsing and serializing again.
 * Null when the queue does not exist.
 */
export async function readQueueEvent(db: Db, queueId: string, change: QueueChange): Promise<string | null> {
  const rows = await db.$queryRaw<{ event: string }[]>`
    SELECT json_build_object(
      'queueId', q."id",
      'organizationId', q."organizationId",
      'change', ${JSON.stringify(change)}::json,
      'snapshot', json_build_object(
        'queue', to_jsonb(q) - 'idempotencyKey',
        'visits', COALESCE((
          SELECT json_agg(${visitRowSql})
          FROM "Visit" v
          WHERE v."queueId" = q."id"
            AND (v."status" IN ('WAITING', 'CALLED', 'SERVING') OR v."id" = ANY(${change.visitIds}::uuid[]))
        ), '[]'::json),
        'serviceTimes', COALESCE((
          SELECT json_object_agg(s."serviceKey", s."averageSeconds")
          FROM "ServiceTimeStat" s
          WHERE s."businessId" = q."businessId"
        ), '{}'::json)
      )
    )::text AS "event"
    FROM "Queue" q
    WHERE q."id" = ${queueId}::uuid`;
  return rows[0]?.event ?? null;
}
