import type { Identity } from '@waitlessq/auth';
import type { Queue, Visit, VisitEvent } from '@waitlessq/database';
import { AppError } from '@waitlessq/errors';
import { memberOf } from '../access';
import type { QueueContext } from '../context';
import { isUuid } from '@waitlessq/validation';
import { requireObjectId } from '../ids';
import { parse, wholeNumber } from '@waitlessq/validation';
import { waitInLine, type WaitInLine } from './estimates';
import { actAsTokenHolder, visitTokenMatches } from './visit-token';

/** Staff and partners of its organization, the customer it belongs to, and subgraphs. */
function canReadVisit(identity: Identity, visit: Visit): boolean {
  switch (identity.kind) {
    case 'service':
      return true;
    case 'staff':
    case 'partner':
      return memberOf(identity, visit.organizationId);
    case 'customer':
      return memberOf(identity, visit.organizationId) && visit.customerId === identity.subjectId;
    case 'anonymous':
      return false;
  }
}

/** `visit(id, visitToken)`: whoever may see it, or the holder of its token; NOT_FOUND for anyone else. */
export async function readVisit(context: QueueContext, id: string, visitToken: string | null | undefined): Promise<Visit> {
  actAsTokenHolder(context.identity, visitToken);
  // With its line where it waits: a visit read by id is mostly its holder asking for its position.
  const visit = await (context.loaders.visitWithLine ?? context.loaders.visitById).load(requireObjectId(id, 'visit'));
  if (visit && (canReadVisit(context.identity, visit) || visitTokenMatches(visit.visitTokenHash, visitToken))) return visit;
  throw new AppError('NOT_FOUND', 'No visit with this id.');
}

export async function resolveVisitReference(context: QueueContext, id: string): Promise<Visit | null> {
  const visit = await context.loaders.visitById.load(id);
  return visit && canReadVisit(context.identity, visit) ? visit : null;
}

/**
 * Position and estimate of a waiting visit, computed in memory from its queue's line, which
 * is read once per request however many visits ask (the estimate is not written on reads).
 */
export async function waitOf(context: QueueContext, visit: Visit): Promise<WaitInLine | null> {
  if (visit.status !== 'WAITING') return null;
  // The line first: its read brings the queue and the service times too (queues/loaders.ts).
  const line = await context.loaders.waitingLine.load(visit.queueId);
  const [queue, serviceTimes] = await Promise.all([
    context.loaders.queueById.load(visit.queueId),
    context.loaders.serviceTimesByBusiness.load(visit.businessId),
  ]);
  return waitInLine(line, visit.id, serviceTimes, queue?.countersOpen ?? 1);
}

/** Whoever was allowed to read the visit may see its queue's summary (the PWA of a token holder). */
export async function queueOf(context: QueueContext, visit: Visit): Promise<Queue> {
  const queue = await context.loaders.queueById.load(visit.queueId);
  if (!queue) throw new Error(`visit ${visit.id} has no queue ${visit.queueId}`);
  return queue;
}

/** The typed facts of a history event (VisitEvent in the schema); null where the change has none. */
const detailFields = [
  'counter',
  'recallCount',
  'placement',
  'fromQueueId',
  'toQueueId',
  'fromServiceId',
  'toServiceId',
  'fromScheduledAt',
  'toScheduledAt',
  'onTime',
] as const;
export type HistoryEvent = VisitEvent & Record<(typeof detailFields)[number], unknown>;

/** The history, with each event's JSON detail shown as the typed fields of VisitEvent. */
export async function historyOf(context: QueueContext, visit: Visit): Promise<HistoryEvent[]> {
  const events = await context.loaders.historyByVisit.load(visit.id);
  return events.map((event) => {
    const detail = event.detail && typeof event.detail === 'object' && !Array.isArray(event.detail) ? event.detail : {};
    return { ...event, ...Object.fromEntries(detailFields.map((field) => [field, detail[field] ?? null])) } as HistoryEvent;
  });
}

/** `Customer.visits`: the customer themself, or staff and partners of their organization; nobody else. */
export async function visitsOfCustomer(context: QueueContext, customerId: string, first: number): Promise<Visit[]> {
  const count = parse(wholeNumber(0, 100), first, 'first');
  const { identity } = context;
  const allowed =
    identity.kind === 'service' ||
    identity.kind === 'staff' ||
    identity.kind === 'partner' ||
    (identity.kind === 'customer' && identity.subjectId === customerId);
  if (!allowed || !isUuid(customerId) || count === 0) return [];
  const ids = await context.loaders.visitIdsByCustomer.load({ customerId, first: count });
  const visits = await context.loaders.visitById.loadMany(ids);
  return visits.filter((visit): visit is Visit => visit !== null && !(visit instanceof Error));
}
