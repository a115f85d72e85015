import { requireRole, type Identity } from '@waitlessq/auth';
import { Prisma, type Visit, type VisitStatus } from '@waitlessq/database';
import { AppError } from '@waitlessq/errors';
import { actorOf, memberOf, type Actor } from '../access';
import type { QueueContext } from '../context';
import { requireObjectId } from '../ids';
import { findQueueOfOrganization } from '../queues/queue-service';
import { optionalText } from '../validation';
import { anyService, movingAverageAlpha, waitInLine } from './estimates';
import { readLines, readServiceTimes, type Db } from './line';
import { assertTransition, stampOf } from './transitions';
import { actAsTokenHolder, visitTokenMatches } from './visit-token';

const notFound = () => new AppError('NOT_FOUND', 'No visit with this id.');
/** A visit served for longer than this was most likely never completed on time: it is not a sample. */
const maxServiceSampleSeconds = 4 * 3600;

/**
 * Calls the first visit of the line in one statement: the row is picked in the order of
 * positions.ts and locked with SKIP LOCKED, so concurrent calls each take a different visit
 * (or none), and the event is written by the same statement. Works in any queue status:
 * pausing and closing stop new joins, not the serving of those already in line.
 */
export async function callNext(context: QueueContext, queueId: string, counter: string | null | undefined): Promise<Visit | null> {
  const staff = requireRole(context.identity, 'STAFF');
  const queue = await findQueueOfOrganization(context, staff.organizationId, queueId);
  const counterName = optionalText(counter, 'counter', 32);
  const { actorId, actorKind } = actorOf(context.identity);
  const now = new Date();
  const prisma = context.runtime.db.prisma;
  const called = await prisma.$queryRaw<{ id: string }[]>`
    WITH next AS (
      SELECT "id" FROM "Visit"
      WHERE "queueId" = ${queue.id}::uuid AND "status" = 'WAITING'::"VisitStatus"
      ORDER BY "priority" DESC, "joinedAt" ASC, "ticketNumber" ASC, "id" ASC
      LIMIT 1
      FOR UPDATE SKIP LOCKED
    ), called AS (
      UPDATE "Visit" AS v
      SET "status" = 'CALLED'::"VisitStatus", "calledAt" = ${now}::timestamp(3), "counter" = ${counterName}, "updatedAt" = ${now}::timestamp(3)
      FROM next WHERE v."id" = next."id" AND v."status" = 'WAITING'::"VisitStatus"
      RETURNING v."id", v."organizationId", v."queueId"
    ), event AS (
      INSERT INTO "VisitEvent" ("id", "visitId", "organizationId", "queueId", "fromStatus", "toStatus", "actorId", "actorKind", "at")
      SELECT gen_random_uuid(), "id", "organizationId", "queueId", 'WAITING'::"VisitStatus", 'CALLED'::"VisitStatus",
             ${actorId}::uuid, ${actorKind}, ${now}::timestamp(3)
      FROM called
    )
    SELECT "id" FROM called`;
  if (called.length === 0) return null;
  return prisma.visit.findUniqueOrThrow({ where: { id: called[0].id } });
}

/** Staff (STAFF+) of the visit's organization; anyone else is told there is no such visit. */
function staffActor(identity: Identity): (visit: Visit) => Actor {
  const staff = requireRole(identity, 'STAFF');
  return (visit) => {
    if (visit.organizationId !== staff.organizationId) throw notFound();
    return actorOf(staff);
  };
}

export function startServing(context: QueueContext, visitId: string): Promise<Visit> {
  return moveVisit(context, visitId, 'SERVING', staffActor(context.identity));
}

export function markNoShow(context: QueueContext, visitId: string): Promise<Visit> {
  return moveVisit(context, visitId, 'NO_SHOW', staffActor(context.identity));
}

/** Completing a visit measures how long serving took: the moving average behind every estimate. */
export function completeVisit(context: QueueContext, visitId: string): Promise<Visit> {
  return moveVisit(context, visitId, 'DONE', staffActor(context.identity), {
    after: (tx, visit, now) =>
      visit.servedAt ? recordServiceTime(tx, visit, (now.getTime() - visit.servedAt.getTime()) / 1000, now) : Promise.resolve(),
  });
}

/** The holder of the visit token, the customer it belongs to, or staff (STAFF+) of its organization. */
export function cancelVisit(context: QueueContext, visitId: string, visitToken: string | null | undefined): Promise<Visit> {
  actAsTokenHolder(context.identity, visitToken);
  return moveVisit(context, visitId, 'CANCELLED', (visit) => cancellingActor(context.identity, visit, visitToken), {
    // The estimate the customer had when they gave up is the one worth keeping.
    before: (tx, visit) => (visit.status === 'WAITING' ? latestEstimate(tx, visit) : Promise.resolve({})),
  });
}

function cancellingActor(identity: Identity, visit: Visit, visitToken: string | null | undefined): Actor {
  if (visitToken) {
    if (!visitTokenMatches(visit.visitTokenHash, visitToken)) throw notFound();
    return actorOf(identity, true);
  }
  if (identity.kind === 'customer' && memberOf(identity, visit.organizationId) && visit.customerId === identity.subjectId) {
    return actorOf(identity);
  }
  if (identity.kind === 'staff' && memberOf(identity, visit.organizationId)) {
    requireRole(identity, 'STAFF');
    return actorOf(identity);
  }
  if (identity.kind === 'anonymous') throw new AppError('UNAUTHENTICATED', 'Send the visit token, or sign in.');
  throw notFound();
}

interface MoveHooks {
  /** Extra columns written with the status, computed inside the transaction. */
  before?: (tx: Prisma.TransactionClient, visit: Visit) => Promise<Prisma.VisitUpdateManyMutationInput>;
  after?: (tx: Prisma.TransactionClient, visit: Visit, now: Date) => Promise<void>;
}

/**
 * One transition, in one transaction: the visit is read there (from the primary, never from a
 * lagging replica), the caller authorized on it, then status and time column are written by
 * compare-and-set on the status just read (of two concurrent moves, one applies and the other
 * finds zero rows), and the history event appended.
 */
async function moveVisit(
  context: QueueContext,
  visitId: string,
  to: VisitStatus,
  authorize: (visit: Visit) => Actor,
  hooks: MoveHooks = {},
): Promise<Visit> {
  const id = requireObjectId(visitId, 'visit');
  const moved = await context.runtime.db.prisma.$transaction(async (tx) => {
    const visit = await tx.visit.findUnique({ where: { id } });
    if (!visit) throw notFound();
    const actor = authorize(visit);
    assertTransition(visit.status, to);
    const now = new Date();
    const extra = hooks.before ? await hooks.before(tx, visit) : {};
    const stamp = { [stampOf[to]!]: now };
    const { count } = await tx.visit.updateMany({ where: { id, status: visit.status }, data: { ...extra, ...stamp, status: to } });
    if (count === 0) {
      const current = await tx.visit.findUniqueOrThrow({ where: { id }, select: { status: true } });
      assertTransition(current.status, to);
      throw new AppError('CONFLICT', `The visit changed to ${current.status} while this was being applied; try again.`);
    }
    await tx.visitEvent.create({
      data: { visitId: id, organizationId: visit.organizationId, queueId: visit.queueId, fromStatus: visit.status, toStatus: to, ...actor, at: now },
    });
    await hooks.after?.(tx, visit, now);
    return tx.visit.findUniqueOrThrow({ where: { id } });
  });
  context.loaders.visitById.clear(id).prime(id, moved);
  return moved;
}

async function latestEstimate(tx: Db, visit: Visit): Promise<Prisma.VisitUpdateManyMutationInput> {
  const [line, times, queue] = await Promise.all([
    readLines(tx, [visit.queueId]),
    readServiceTimes(tx, [visit.businessId]),
    tx.queue.findUniqueOrThrow({ where: { id: visit.queueId }, select: { countersOpen: true } }),
  ]);
  const wait = waitInLine(line.get(visit.queueId)!, visit.id, times.get(visit.businessId)!, queue.countersOpen);
  return wait ? { latestEstimateMinutes: wait.estimatedWaitMinutes } : {};
}

/**
 * Folds one sample into the exponential moving average of the service and of the business
 * ("*"), atomically in the upsert (two completions at once both count).
 */
async function recordServiceTime(tx: Prisma.TransactionClient, visit: Visit, seconds: number, now: Date): Promise<void> {
  if (!(seconds >= 0) || seconds > maxServiceSampleSeconds) return;
  const keys = visit.serviceId ? [visit.serviceId, anyService] : [anyService];
  const rows = keys.map((key) => Prisma.sql`(${visit.businessId}::uuid, ${key}, ${seconds}::double precision, 1, ${now}::timestamp(3))`);
  await tx.$executeRaw`
    INSERT INTO "ServiceTimeStat" ("businessId", "serviceKey", "averageSeconds", "samples", "updatedAt")
    VALUES ${Prisma.join(rows)}
    ON CONFLICT ("businessId", "serviceKey") DO UPDATE SET
      "averageSeconds" = "ServiceTimeStat"."averageSeconds"
        + ${movingAverageAlpha}::double precision * (EXCLUDED."averageSeconds" - "ServiceTimeStat"."averageSeconds"),
      "samples" = "ServiceTimeStat"."samples" + 1,
      "updatedAt" = EXCLUDED."updatedAt"`;
}
