import { requireAuthenticated, requireRole } from '@waitlessq/auth';
import { isUniqueViolation, type Queue, type Visit } from '@waitlessq/database';
import { AppError } from '@waitlessq/errors';
import { assertSameRequest, idempotencyFingerprint } from '@waitlessq/subgraph-kit';
import { canReadLine, canReadQueueSummary } from '../access';
import type { QueueContext } from '../context';
import { isUuid } from '@waitlessq/validation';
import { requireObjectId } from '../ids';
import { estimateWaitMinutes } from '../visits/estimates';
import { compareLine } from '../visits/positions';
import { isValidTimeZone } from '../visits/tickets';
import { badInput, parse, wholeNumber } from '@waitlessq/validation';
import { createQueueSchema, updateQueueSchema, type CreateQueueInput, type UpdateQueueInput } from './queue-input';
import { planQueueStatus, type QueueAction } from './queue-status';
import { maxNextTickets } from './queue-summary';

const notFound = () => new AppError('NOT_FOUND', 'No queue with this id.');

/**
 * `queue(id)`: the summary for members of its organization; anonymous callers come through
 * their visit. Read through the summary cache (display screens poll it).
 */
export async function readQueue(context: QueueContext, id: string): Promise<Queue> {
  if (context.identity.kind !== 'service') requireAuthenticated(context.identity);
  const queue = (await context.loaders.queueSummary.load(requireObjectId(id, 'queue')))?.queue;
  if (!queue || !canReadQueueSummary(context.identity, queue.organizationId)) throw notFound();
  return queue;
}

/** `queues(businessId)`: another organization's business simply has no queues for this caller. */
export async function listQueues(context: QueueContext, businessId: string): Promise<Queue[]> {
  if (context.identity.kind !== 'service') requireAuthenticated(context.identity);
  return isUuid(businessId) ? context.loaders.queuesByBusiness.load(businessId) : [];
}

/**
 * `Business.queues`: members see every queue of their business; anonymous callers (the app's
 * business page, before joining) see the OPEN ones, whose public fields are the summary's.
 * The line itself stays closed to them (`waiting`, `servingNow`: canReadLine).
 */
export async function queuesOfBusiness(context: QueueContext, businessId: string): Promise<Queue[]> {
  if (!isUuid(businessId)) return [];
  const queues = await context.loaders.queuesByBusiness.load(businessId);
  return context.identity.kind === 'anonymous' ? queues.filter((queue) => queue.status === 'OPEN') : queues;
}

/** Entity references resolve only for callers who could read the queue. */
export async function resolveQueueReference(context: QueueContext, id: string): Promise<Queue | null> {
  const queue = (await context.loaders.queueSummary.load(id))?.queue;
  return queue && canReadQueueSummary(context.identity, queue.organizationId) ? queue : null;
}

/** A queue of the staff member's organization, or NOT_FOUND (another tenant's included). */
export async function findQueueOfOrganization(context: QueueContext, organizationId: string, id: string): Promise<Queue> {
  const queue = await context.loaders.queueById.load(requireObjectId(id, 'queue'));
  if (!queue || queue.organizationId !== organizationId) throw notFound();
  return queue;
}

export async function createQueue(context: QueueContext, input: CreateQueueInput): Promise<Queue> {
  const manager = requireRole(context.identity, 'MANAGER');
  const organizationId = manager.organizationId;
  const parsed = parse(createQueueSchema, input);
  const { businessId, name, idempotencyKey } = parsed;
  const capacity = parsed.capacity ?? null;
  const countersOpen = parsed.countersOpen ?? 1;
  const ticketPrefix = parsed.ticketPrefix ?? 'A';
  const serviceIds = [...new Set(parsed.serviceIds ?? [])];

  const fingerprint = idempotencyKey ? idempotencyFingerprint(context.identity, input) : null;

  const replay = async () => {
    if (!idempotencyKey || !fingerprint) return null;
    const queue = await context.runtime.db.prisma.queue.findUnique({ where: { organizationId_idempotencyKey: { organizationId, idempotencyKey } } });
    if (queue) assertSameRequest(queue, fingerprint);
    return queue;
  };
  const earlier = await replay();
  if (earlier) return earlier;

  const business = await context.businessPeer.findBusiness(businessId, context.requestId);
  if (!business || business.organizationId !== organizationId) throw new AppError('NOT_FOUND', 'No business with this id.');
  // A queue may only be for services of its own business (and so of the caller's organization).
  const services = await Promise.all(serviceIds.map((id) => context.businessPeer.findService(id, context.requestId)));
  if (services.some((service) => !service || service.businessId !== businessId)) throw badInput('serviceIds', 'must be services of this business.');
  let timezone = business.timezone;
  if (!isValidTimeZone(timezone)) {
    // Tickets must still be numbered; UTC days are a safe fallback until the business is fixed.
    context.logger.warn({ businessId, timezone }, 'business has an unknown time zone; the queue counts tickets in UTC');
    timezone = 'UTC';
  }
  try {
    return await context.runtime.db.prisma.queue.create({
      data: {
        organizationId,
        businessId,
        name,
        capacity,
        countersOpen,
        ticketPrefix,
        timezone,
        serviceIds,
        idempotencyKey,
        idempotencyFingerprint: fingerprint,
      },
    });
  } catch (error) {
    const winner = isUniqueViolation(error) ? await replay() : null;
    if (winner) return winner;
    throw error;
  }
}

/** Capacity null means no limit: only a field that is present (even as null) is changed. */
export async function updateQueue(context: QueueContext, input: UpdateQueueInput): Promise<Queue> {
  const manager = requireRole(context.identity, 'MANAGER');
  const queue = await findQueueOfOrganization(context, manager.organizationId, input.queueId);
  const { capacity, countersOpen, notifyAtPosition } = parse(updateQueueSchema, input);
  const data: { capacity?: number | null; countersOpen?: number; notifyAtPosition?: number } = {};
  if (capacity !== undefined) data.capacity = capacity;
  if (countersOpen != null) data.countersOpen = countersOpen;
  if (notifyAtPosition != null) data.notifyAtPosition = notifyAtPosition;
  return context.runtime.db.prisma.queue.update({ where: { id: queue.id }, data });
}

/** Pausing and resuming is the daily work of STAFF; opening and closing a queue is a MANAGER's. */
const minimumRole = { pause: 'STAFF', resume: 'STAFF', close: 'MANAGER', open: 'MANAGER' } as const;

export async function changeQueueStatus(context: QueueContext, queueId: string, action: QueueAction): Promise<Queue> {
  const staff = requireRole(context.identity, minimumRole[action]);
  const queue = await findQueueOfOrganization(context, staff.organizationId, queueId);
  // Judged on the status read from the primary inside the transaction, and written by
  // compare-and-set on it: a concurrent change makes this one CONFLICT instead of undoing it.
  return context.runtime.db.prisma.$transaction(async (tx) => {
    const current = await tx.queue.findUniqueOrThrow({ where: { id: queue.id } });
    const plan = planQueueStatus(current.status, action);
    if (plan.kind === 'unchanged') return current;
    const { count } = await tx.queue.updateMany({ where: { id: queue.id, status: current.status }, data: { status: plan.to } });
    if (count === 0) throw new AppError('CONFLICT', 'The queue changed while this was being applied; try again.');
    return tx.queue.findUniqueOrThrow({ where: { id: queue.id } });
  });
}

/** `Queue.waiting`: the line, first to be called first; it shows names, so only staff and partners see it. */
export async function waitingVisits(context: QueueContext, queue: Queue, first: number): Promise<Visit[]> {
  assertCanReadLine(context, queue);
  const count = parse(wholeNumber(0, 500), first, 'first');
  const { waitingLineWithVisits, waitingLine } = context.loaders;
  // With the visits in the same statement where a database answers (loaders.ts).
  const line = await (waitingLineWithVisits ? waitingLineWithVisits.load({ queueId: queue.id, first: count }) : waitingLine.load(queue.id));
  const visits = await context.loaders.visitById.loadMany(line.places.slice(0, count).map((place) => place.id));
  // A visit called since it was read is left out rather than shown as waiting.
  return visits.filter((visit): visit is Visit => visit !== null && !(visit instanceof Error) && visit.status === 'WAITING');
}

export async function servingNowVisits(context: QueueContext, queue: Queue): Promise<Visit[]> {
  assertCanReadLine(context, queue);
  return context.loaders.servingNow.load(queue.id);
}

export async function waitingCount(context: QueueContext, queue: Queue): Promise<number> {
  return (await context.loaders.queueSummary.load(queue.id))?.waitingCount ?? 0;
}

/**
 * What a newcomer would wait: the whole line ahead, shared among the open counters, with the
 * same expectations as a visit's own estimate. Null when the queue takes no one.
 */
export async function estimatedWaitForNewcomer(context: QueueContext, queue: Queue): Promise<number | null> {
  if (queue.status !== 'OPEN') return null;
  // The line first: its read brings the service times too (loaders.ts).
  const line = await context.loaders.waitingLine.load(queue.id);
  const serviceTimes = await context.loaders.serviceTimesByBusiness.load(queue.businessId);
  // Booked appointments whose time has come stand ahead of someone joining now (positions.ts).
  const newcomer = { id: '', priority: 0, lineAt: new Date(), ticketNumber: null };
  const ahead = [...line.places, ...line.appointments.filter((appointment) => compareLine(appointment, newcomer) < 0)];
  return estimateWaitMinutes(ahead, serviceTimes, queue.countersOpen);
}

/** The tickets called next, for whoever may read the queue's summary (tickets, never names). */
export async function nextTickets(context: QueueContext, queue: Queue, first: number): Promise<string[]> {
  const count = parse(wholeNumber(0, maxNextTickets), first, 'first');
  return ((await context.loaders.queueSummary.load(queue.id))?.nextTickets ?? []).slice(0, count);
}

function assertCanReadLine(context: QueueContext, queue: Queue): void {
  if (!canReadLine(context.identity, queue.organizationId)) {
    throw new AppError('FORBIDDEN', 'Only staff and partners of the organization can see who is in the line.');
  }
}
