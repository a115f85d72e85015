import { requireRole, type Identity } from '@waitlessq/auth';
import { Prisma, type Visit, type VisitStatus } from '@waitlessq/database';
import { AppError } from '@waitlessq/errors';
import { actorOf, memberOf, type Actor } from '../access';
import type { QueueContext } from '../context';
import { findQueueOfOrganization } from '../queues/queue-service';
import { optionalText, parse } from '@waitlessq/validation';
import { anyService, movingAverageAlpha, waitInLine } from './estimates';
import { readLines, readServiceTimes, type Db } from './line';
import { assertTransition } from './transitions';
import { changeVisit, staffActor, visitNotFound, type AfterChange } from './visit-change';
import { actAsTokenHolder, visitTokenMatches } from './visit-token';
import { currentRequestId } from '../audit/request-id';

/** A visit served for longer than this was most likely never completed on time: it is not a sample. */
const maxServiceSampleSeconds = 4 * 3600;

/** Namespaces the advisory lock that makes the calls of one queue take turns: "CALL". */
const callLockNamespace = 0x43414c4c;
/** A head of line that leaves while it is being called (a cancel) is passed over this many times at most. */
const callAttempts = 5;

/**
 * Calls the first visit of the line. The calls of one queue take turns under an advisory lock
 * (taken in its own statement, so the pick's snapshot sees the previous call committed); the
 * pick locks the head in the order of positions.ts and waits for a row lock instead of
 * skipping it: the event publisher briefly locks waiting visits to write their latest
 * estimates, and skipping those would call the wrong visit or nobody. A head that stopped
 * waiting meanwhile (cancelled) makes the pick come back empty; it is tried again while
 * someone waits. One statement then updates the visit (counter, who called, and on its first
 * call only the wait it had since it entered the line) and appends its history event. Works
 * in any queue status: pausing and closing stop new joins, not the serving of those in line.
 */
export async function callNext(context: QueueContext, queueId: string, counter: string | null | undefined): Promise<Visit | null> {
  const staff = requireRole(context.identity, 'STAFF');
  const queue = await findQueueOfOrganization(context, staff.organizationId, queueId);
  const counterName = parse(optionalText(32), counter, 'counter') ?? null;
  const { actorId, actorKind } = actorOf(context.identity);
  const prisma = context.runtime.db.prisma;
  const calledId = await prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${callLockNamespace}::int, hashtext(${queue.id}))`;
      for (let attempt = 0; attempt < callAttempts; attempt += 1) {
        const called = await callHead(tx, queue.id, counterName, actorId, actorKind, new Date());
        if (called) return called;
        const [{ waiting }] = await tx.$queryRaw<{ waiting: boolean }[]>`
          SELECT EXISTS (SELECT 1 FROM "Visit" WHERE "queueId" = ${queue.id}::uuid AND "status" = 'WAITING'::"VisitStatus") AS "waiting"`;
        if (!waiting) return null;
      }
      throw new AppError('CONFLICT', 'The line kept changing while calling; try again.');
    },
    // Many counters may call at once: each waits its turn for the lock.
    { maxWait: 10_000, timeout: 20_000 },
  );
  return calledId ? prisma.visit.findUniqueOrThrow({ where: { id: calledId } }) : null;
}

async function callHead(tx: Db, queueId: string, counter: string | null, actorId: string | null, actorKind: string, now: Date): Promise<string | null> {
  const called = await tx.$queryRaw<{ id: string }[]>`
    WITH next AS (
      SELECT "id" FROM "Visit"
      WHERE "queueId" = ${queueId}::uuid AND "status" = 'WAITING'::"VisitStatus"
      ORDER BY "priority" DESC, "lineAt" ASC, "ticketNumber" ASC, "id" ASC
      LIMIT 1
      FOR UPDATE
    ), called AS (
      UPDATE "Visit" AS v
      SET "status" = 'CALLED'::"VisitStatus", "calledAt" = ${now}::timestamp(3), "counter" = ${counter}::text,
          "calledById" = ${actorId}::uuid, "updatedAt" = ${now}::timestamp(3),
          "waitSeconds" = COALESCE(v."waitSeconds",
            GREATEST(0, round(EXTRACT(EPOCH FROM (${now}::timestamp(3) - COALESCE(v."lineAt", v."joinedAt")))))::int)
      FROM next WHERE v."id" = next."id" AND v."status" = 'WAITING'::"VisitStatus"
      RETURNING v."id", v."organizationId", v."queueId"
    ), event AS (
      INSERT INTO "VisitEvent" ("id", "visitId", "organizationId", "queueId", "fromStatus", "toStatus", "actorId", "actorKind", "detail", "requestId", "at")
      SELECT gen_random_uuid(), "id", "organizationId", "queueId", 'WAITING'::"VisitStatus", 'CALLED'::"VisitStatus",
             ${actorId}::uuid, ${actorKind}, CASE WHEN ${counter}::text IS NULL THEN NULL ELSE jsonb_build_object('counter', ${counter}::text) END,
             ${currentRequestId()}::text, ${now}::timestamp(3)
      FROM called
    )
    SELECT "id" FROM called`;
  return called[0]?.id ?? null;
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
    after: (tx, visit, now) => (visit.servedAt ? recordServiceTime(tx, visit, (now.getTime() - visit.servedAt.getTime()) / 1000, now) : Promise.resolve()),
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
    if (!visitTokenMatches(visit.visitTokenHash, visitToken)) throw visitNotFound();
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
  throw visitNotFound();
}

interface MoveHooks {
  /** Extra columns written with the status, computed inside the transaction. */
  before?: (tx: Prisma.TransactionClient, visit: Visit) => Promise<Prisma.VisitUpdateManyMutationInput>;
  after?: AfterChange;
}

/** A plain transition (visit-change.ts): status and its time column, and the history event. */
function moveVisit(context: QueueContext, visitId: string, to: VisitStatus, authorize: (visit: Visit) => Actor, hooks: MoveHooks = {}): Promise<Visit> {
  return changeVisit(
    context,
    visitId,
    authorize,
    async (tx, visit) => {
      assertTransition(visit.status, to);
      return { to, data: hooks.before ? await hooks.before(tx, visit) : {} };
    },
    hooks.after,
  );
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
