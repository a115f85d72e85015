import type { PrismaClient } from '@waitlessq/database';
import type { ServiceRuntime } from '@waitlessq/subgraph-kit';
import type { QueueEventPublisher } from '../events/publisher';
import type { BusinessPeer } from '../peers';
import { expireStandbyOffers } from '../standby/offers';

/** Rows one sweep changes at most, so one pass never holds many locks; the next pass takes the rest. */
const batchSize = 500;

export interface NoShow {
  id: string;
  queueId: string;
}

/**
 * Appointments not checked in by their deadline (time + the policy's grace) become NO_SHOW,
 * with their history event, in one statement. Safe with several replicas sweeping at once:
 * rows are taken with SKIP LOCKED and changed by compare-and-set on BOOKED, so each is marked
 * once. Their history events write the outbox rows (a trigger).
 */
export async function markNoShows(prisma: PrismaClient, now = new Date()): Promise<NoShow[]> {
  return prisma.$queryRaw<NoShow[]>`
    WITH due AS (
      SELECT "id" FROM "Visit"
      WHERE "status" = 'BOOKED'::"VisitStatus" AND "checkInDeadline" < ${now}::timestamp(3)
      ORDER BY "checkInDeadline"
      LIMIT ${batchSize}
      FOR UPDATE SKIP LOCKED
    ), marked AS (
      UPDATE "Visit" AS v
      SET "status" = 'NO_SHOW'::"VisitStatus", "noShowAt" = ${now}::timestamp(3), "updatedAt" = ${now}::timestamp(3)
      FROM due WHERE v."id" = due."id" AND v."status" = 'BOOKED'::"VisitStatus"
      RETURNING v."id", v."organizationId", v."queueId"
    ), event AS (
      INSERT INTO "VisitEvent" ("id", "visitId", "organizationId", "queueId", "fromStatus", "toStatus", "actorId", "actorKind", "action", "at")
      SELECT gen_random_uuid(), "id", "organizationId", "queueId", 'BOOKED'::"VisitStatus", 'NO_SHOW'::"VisitStatus",
             NULL, 'system', 'NOT_CHECKED_IN', ${now}::timestamp(3)
      FROM marked
    )
    SELECT "id", "queueId" FROM marked`;
}

/**
 * Booked appointments whose reminder is due (Visit.remindAt, set at booking from the policy and
 * moved out of quiet hours) are marked reminded and get an outbox row, in one statement: the
 * relay hands the reminder on as a job. Marked once, whatever the number of sweepers.
 */
export async function markRemindersDue(prisma: PrismaClient, now = new Date()): Promise<NoShow[]> {
  return prisma.$queryRaw<NoShow[]>`
    WITH due AS (
      SELECT "id" FROM "Visit"
      WHERE "status" = 'BOOKED'::"VisitStatus" AND "remindAt" <= ${now}::timestamp(3) AND "remindedAt" IS NULL
        AND "scheduledAt" > ${now}::timestamp(3)
      ORDER BY "remindAt"
      LIMIT ${batchSize}
      FOR UPDATE SKIP LOCKED
    ), marked AS (
      UPDATE "Visit" AS v SET "remindedAt" = ${now}::timestamp(3)
      FROM due WHERE v."id" = due."id" AND v."remindedAt" IS NULL
      RETURNING v."id", v."organizationId", v."queueId"
    ), outbox AS (
      INSERT INTO "OutboxEvent" ("organizationId", "queueId", "kind", "visitIds")
      SELECT "organizationId", "queueId", 'APPOINTMENT_REMINDER_DUE', ARRAY["id"] FROM marked
    )
    SELECT "id", "queueId" FROM marked`;
}

/** One pass of every scheduled check; what they changed is relayed at once (subscribers, notifications). */
export async function sweepAppointments(runtime: ServiceRuntime, publisher: QueueEventPublisher, businessPeer: BusinessPeer, now = new Date()): Promise<void> {
  const changed = [...(await markNoShows(runtime.db.prisma, now)), ...(await markRemindersDue(runtime.db.prisma, now))];
  for (const queueId of new Set(changed.map((visit) => visit.queueId))) await publisher.relay(queueId);
  await expireStandbyOffers({ prisma: runtime.db.prisma, businessPeer, logger: runtime.logger }, now);
}
