import { requireRole } from '@waitlessq/auth';
import type { Prisma, Visit } from '@waitlessq/database';
import { AppError } from '@waitlessq/errors';
import type { QueueContext } from '../context';
import { requireObjectId } from '../ids';
import { findQueueOfOrganization } from '../queues/queue-service';
import { assertAcceptsVisits, assertHasRoom } from '../queues/queue-status';
import { badInput } from '@waitlessq/validation';
import { checkService } from './join-visit';
import { changeVisit, staffActor, visitNotFound } from './visit-change';

/** Where returnToQueue puts a called visit back: at the head of its priority, or at the end. */
export type Placement = 'FIRST' | 'LAST';

const notCalled = (visit: Visit, what: string) =>
  new AppError('INVALID_TRANSITION', `Only a CALLED visit can be ${what}; this one is ${visit.status}.`, { from: visit.status });

/**
 * Calls a CALLED visit again (the customer did not come to the counter yet). It stays CALLED
 * and keeps its calledAt (its wait was measured at the first call); the count of recalls grows
 * and the recalling staff member becomes the one who called it.
 */
export function recallVisit(context: QueueContext, visitId: string): Promise<Visit> {
  const authorize = staffActor(context.identity);
  return changeVisit(context, visitId, authorize, (_tx, visit) => {
    if (visit.status !== 'CALLED') throw notCalled(visit, 'recalled');
    const recallCount = visit.recallCount + 1;
    return {
      to: 'CALLED',
      data: { recallCount: { increment: 1 }, calledById: authorize(visit).actorId },
      action: 'RECALLED',
      detail: { recallCount, counter: visit.counter },
    };
  });
}

/**
 * A CALLED visit goes back to waiting: FIRST at the head of the visits of its priority (just
 * before the earliest line time among them), LAST behind everyone in the line now. Its joinedAt
 * and its measured wait stay; its counter is cleared.
 */
export function returnToQueue(context: QueueContext, visitId: string, placement: Placement): Promise<Visit> {
  if (placement !== 'FIRST' && placement !== 'LAST') throw badInput('placement', 'must be FIRST or LAST.');
  return changeVisit(context, visitId, staffActor(context.identity), async (tx, visit, now) => {
    if (visit.status !== 'CALLED') throw notCalled(visit, 'returned to the queue');
    const lineAt = placement === 'FIRST' ? await headOfPriority(tx, visit, now) : now;
    return { to: 'WAITING', stamp: false, data: { lineAt, counter: null }, action: 'RETURNED', detail: { placement, lineAt: lineAt.toISOString() } };
  });
}

async function headOfPriority(tx: Prisma.TransactionClient, visit: Visit, now: Date): Promise<Date> {
  const { _min } = await tx.visit.aggregate({
    where: { queueId: visit.queueId, status: 'WAITING', priority: visit.priority },
    _min: { lineAt: true },
  });
  return _min.lineAt ? new Date(_min.lineAt.getTime() - 1) : now;
}

/** The queue a transferred visit left, kept with the result for its events (events/publishing.ts). */
const queueLeft = new WeakMap<Visit, string>();
export const queueLeftBy = (visit: Visit): string | undefined => queueLeft.get(visit);

export interface TransferInput {
  visitId: string;
  queueId: string;
  serviceId?: string | null;
}

/**
 * A WAITING or CALLED visit moves to another queue of its business, or to another service,
 * and waits there: it keeps its ticket, ticket number, line time and history. The target queue
 * must take it as it would a join (open, with room: judged under the queue's row lock, as joins
 * are). Its ticket number belongs to the queue that issued it: in another queue the visit no
 * longer holds that queue's (queue, day, number), so ticketDay is cleared and the numbers of
 * the two queues cannot collide.
 */
export async function transferVisit(context: QueueContext, input: TransferInput): Promise<Visit> {
  const staff = requireRole(context.identity, 'STAFF');
  const authorize = staffActor(context.identity);
  const current = await context.loaders.visitById.load(requireObjectId(input.visitId, 'visit'));
  if (!current || current.organizationId !== staff.organizationId) throw visitNotFound();
  const target = await findQueueOfOrganization(context, staff.organizationId, input.queueId);
  if (target.businessId !== current.businessId) throw badInput('queueId', 'must be a queue of the visit’s business.');
  const serviceId = input.serviceId ?? current.serviceId;
  if (target.id === current.queueId && serviceId === current.serviceId) {
    // Already there: answered unchanged, like pausing a paused queue, so a retried click is harmless.
    if (current.status !== 'WAITING' && current.status !== 'CALLED') {
      throw new AppError('INVALID_TRANSITION', `Only a WAITING or CALLED visit can be transferred; this one is ${current.status}.`, { from: current.status });
    }
    return current;
  }
  if (!input.serviceId && serviceId && target.serviceIds.length > 0 && !target.serviceIds.includes(serviceId)) {
    throw badInput('serviceId', 'is required: the visit’s service is not one of the target queue’s.');
  }
  const expectedServiceMinutes = input.serviceId ? await checkService(context, target, input.serviceId) : current.expectedServiceMinutes;

  let from = current.queueId;
  const moved = await changeVisit(context, current.id, authorize, async (tx, visit) => {
    from = visit.queueId;
    if (visit.status !== 'WAITING' && visit.status !== 'CALLED') {
      throw new AppError('INVALID_TRANSITION', `Only a WAITING or CALLED visit can be transferred; this one is ${visit.status}.`, { from: visit.status });
    }
    // The same lock joins take: status and capacity are judged as for a join, in turn with them.
    const [locked] = await tx.$queryRaw<{ status: 'OPEN' | 'PAUSED' | 'CLOSED'; capacity: number | null }[]>`
      SELECT "status", "capacity" FROM "Queue" WHERE "id" = ${target.id}::uuid FOR UPDATE`;
    if (!locked) throw new AppError('NOT_FOUND', 'No queue with this id.');
    assertAcceptsVisits(locked.status);
    const waiting = await tx.visit.count({ where: { queueId: target.id, status: 'WAITING', id: { not: visit.id } } });
    assertHasRoom(locked.capacity, waiting);
    const movesQueue = target.id !== visit.queueId;
    return {
      to: 'WAITING',
      stamp: false,
      data: { queueId: target.id, serviceId, expectedServiceMinutes, counter: null, ...(movesQueue ? { ticketDay: null } : {}) },
      action: 'TRANSFERRED',
      detail: { fromQueueId: visit.queueId, toQueueId: target.id, fromServiceId: visit.serviceId, toServiceId: serviceId },
    };
  });
  queueLeft.set(moved, from);
  return moved;
}
