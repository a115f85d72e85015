import { requireRole, type Identity } from '@waitlessq/auth';
import type { Prisma, Visit, VisitStatus } from '@waitlessq/database';
import { AppError } from '@waitlessq/errors';
import { actorOf, type Actor } from '../access';
import type { QueueContext } from '../context';
import { requireObjectId } from '../ids';
import { assertTransition, stampOf } from './transitions';
import { currentRequestId } from '../audit/request-id';

export const visitNotFound = () => new AppError('NOT_FOUND', 'No visit with this id.');

/** What one change does to a visit, decided inside its transaction from the visit as it is. */
export interface VisitChange {
  /** The status after the change: the same one for a change that keeps it (a recall). */
  to: VisitStatus;
  /** Columns written with the status. */
  data?: Prisma.VisitUncheckedUpdateManyInput;
  /**
   * Whether entering `to` stamps its time column (transitions.ts stampOf); true by default. A
   * visit returned to the line keeps its joinedAt.
   */
  stamp?: boolean;
  /** The history event's action (RECALLED, RETURNED, TRANSFERRED, CHECKED_IN...) and its facts. */
  action?: string;
  detail?: Prisma.InputJsonObject;
}

export type PlanChange = (tx: Prisma.TransactionClient, visit: Visit, now: Date) => VisitChange | Promise<VisitChange>;
export type AfterChange = (tx: Prisma.TransactionClient, before: Visit, now: Date) => Promise<void>;

/** Staff (STAFF+) of the visit's organization; anyone else is told there is no such visit. */
export function staffActor(identity: Identity): (visit: Visit) => Actor {
  const staff = requireRole(identity, 'STAFF');
  return (visit) => {
    if (visit.organizationId !== staff.organizationId) throw visitNotFound();
    return actorOf(staff);
  };
}

/**
 * One change of a visit, in one transaction: the visit is read there (from the primary, never
 * from a lagging replica), the caller authorized on it, the change planned from it, then
 * written by compare-and-set on the status and queue just read (of two concurrent changes one
 * applies, the other finds zero rows and is refused), and its history event appended. A status
 * change must be legal (transitions.ts); a change that keeps the status (a recall) is judged
 * by its plan. Publishing the change is the caller's (events/publishing.ts).
 */
export async function changeVisit(
  context: QueueContext,
  visitId: string,
  authorize: (visit: Visit) => Actor,
  plan: PlanChange,
  after?: AfterChange,
): Promise<Visit> {
  const id = requireObjectId(visitId, 'visit');
  const changed = await context.runtime.db.prisma.$transaction(async (tx) => {
    const visit = await tx.visit.findUnique({ where: { id } });
    if (!visit) throw visitNotFound();
    const actor = authorize(visit);
    const now = new Date();
    const change = await plan(tx, visit, now);
    if (change.to !== visit.status) assertTransition(visit.status, change.to);
    const stamp = change.to !== visit.status && change.stamp !== false ? { [stampOf[change.to]]: now } : {};
    const { count } = await tx.visit.updateMany({
      where: { id, status: visit.status, queueId: visit.queueId },
      data: { ...change.data, ...stamp, status: change.to },
    });
    if (count === 0) {
      const current = await tx.visit.findUniqueOrThrow({ where: { id }, select: { status: true } });
      if (change.to !== current.status) assertTransition(current.status, change.to);
      throw new AppError('CONFLICT', `The visit changed (it is ${current.status}) while this was being applied; try again.`);
    }
    const queueId = typeof change.data?.queueId === 'string' ? change.data.queueId : visit.queueId;
    await tx.visitEvent.create({
      data: {
        visitId: id,
        organizationId: visit.organizationId,
        queueId,
        fromStatus: visit.status,
        toStatus: change.to,
        ...actor,
        action: change.action ?? null,
        detail: change.detail,
        requestId: currentRequestId(),
        at: now,
      },
    });
    await after?.(tx, visit, now);
    return tx.visit.findUniqueOrThrow({ where: { id } });
  });
  context.loaders.visitById.clear(id).prime(id, changed);
  return changed;
}
