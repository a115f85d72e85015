import { randomUUID } from 'node:crypto';
import { hasRole, type Identity } from '@waitlessq/auth';
import { isUniqueViolation, type Queue, type QueueStatus, type Visit, type VisitSource } from '@waitlessq/database';
import { AppError } from '@waitlessq/errors';
import { badInput, idempotencyKey as idempotencyKeyRule, parse, wholeNumber } from '@waitlessq/validation';
import { assertSameRequest, idempotencyFingerprint } from '@waitlessq/subgraph-kit';
import { actorOf, memberOf, type Actor } from '../access';
import type { QueueContext } from '../context';
import { requireInputId, requireObjectId } from '../ids';
import { personFieldsSchema } from '../person-fields';
import { assertAcceptsVisits, assertHasRoom } from '../queues/queue-status';
import { waitInLine } from './estimates';
import { readLineTakingTicket, type LineRead } from './line-read';
import { createLine } from './positions';
import { dayAsDate, formatTicket, localDay } from './tickets';
import { optionalLanguage } from './visit-language';
import { actAsTokenHolder, visitTokenFor, visitTokenHash } from './visit-token';
import { currentRequestId } from '../audit/request-id';

export interface JoinQueueInput {
  queueId: string;
  name?: string | null;
  phone?: string | null;
  email?: string | null;
  serviceId?: string | null;
  partySize?: number | null;
  notes?: string | null;
  priority?: number | null;
  source?: VisitSource | null;
  customerId?: string | null;
  /** The visitor's language (BCP 47), for their notifications. */
  language?: string | null;
  idempotencyKey?: string | null;
}

export interface JoinQueueResult {
  visit: Visit;
  visitToken: string;
  /**
   * The queue and its line as the join committed them (its own place included), for the
   * answer's position and estimate without reading them again; absent on a replay.
   */
  joinedLine?: LineRead;
}

/** Who the visit is for and who added it, after the caller's rights are checked. */
interface Joiner {
  customerId: string | null;
  source: VisitSource;
  priority: number;
  actor: Actor;
}

const defaultSource: Record<Identity['kind'], VisitSource> = {
  anonymous: 'PWA',
  customer: 'PWA',
  staff: 'STAFF',
  partner: 'PARTNER',
  service: 'PARTNER',
};

/**
 * Who may join whom: anyone can join a walk-in (a QR code at the door carries the queue id); a
 * signed-in customer joins as themself; staff (STAFF+) may add anyone, with a priority and a
 * customer account. Partners (kiosks) add walk-ins of their own organization.
 */
function resolveJoiner(identity: Identity, queue: Queue, input: JoinQueueInput): Joiner {
  if (identity.kind === 'service') throw new AppError('FORBIDDEN', 'Subgraphs do not join queues.');
  if (identity.kind !== 'anonymous' && !memberOf(identity, queue.organizationId)) throw new AppError('NOT_FOUND', 'No queue with this id.');
  const staff = identity.kind === 'staff';
  if (staff && !hasRole(identity.role, 'STAFF')) throw new AppError('FORBIDDEN', `This needs the STAFF role or higher; you are ${identity.role}.`);
  if (!staff && input.priority) throw new AppError('FORBIDDEN', 'Only staff can set a priority.');
  if (!staff && input.source === 'STAFF') throw new AppError('FORBIDDEN', 'Only staff can add a visit with the STAFF source.');
  let customerId: string | null = null;
  if (identity.kind === 'customer') {
    if (input.customerId && input.customerId !== identity.subjectId) throw new AppError('FORBIDDEN', 'A customer can only join as themself.');
    customerId = identity.subjectId;
  } else if (input.customerId) {
    if (!staff) throw new AppError('FORBIDDEN', 'Only staff can add a visit for a customer account.');
    customerId = requireInputId(input.customerId, 'customerId');
  }
  return {
    customerId,
    source: input.source ?? defaultSource[identity.kind],
    priority: staff ? parse(wholeNumber(-100, 100), input.priority ?? 0, 'priority') : 0,
    actor: actorOf(identity),
  };
}

/** The visit's own fields, checked before anything is read or written. */
function visitFields(input: JoinQueueInput, joiner: Joiner) {
  // A customer account has a name of its own (Visit.customer resolves it); a walk-in has only this one.
  if (!input.name?.trim() && !joiner.customerId) throw badInput('name', 'is required for a walk-in.');
  const { name, phone = null, email = null, notes = null, partySize } = parse(personFieldsSchema, input);
  return {
    customerName: name ?? '',
    customerPhone: phone,
    customerEmail: email,
    customerNotes: notes,
    partySize: partySize ?? 1,
    locale: optionalLanguage(input.language),
  };
}

/** The service's duration becomes the visit's expected service time (the estimate's fallback). */
export async function checkService(context: QueueContext, queue: Queue, serviceId: string | null | undefined): Promise<number | null> {
  if (!serviceId) return null;
  requireInputId(serviceId, 'serviceId');
  if (queue.serviceIds.length > 0 && !queue.serviceIds.includes(serviceId)) throw badInput('serviceId', 'is not a service of this queue.');
  const service = await context.businessPeer.findService(serviceId, context.requestId);
  if (!service || service.businessId !== queue.businessId) throw badInput('serviceId', 'is not a service of this business.');
  return service.durationMinutes;
}

interface LockedQueue {
  status: QueueStatus;
  capacity: number | null;
  countersOpen: number;
  timezone: string;
  ticketPrefix: string;
}

export async function joinQueue(context: QueueContext, input: JoinQueueInput): Promise<JoinQueueResult> {
  const prisma = context.runtime.db.prisma;
  const secret = context.runtime.config.auth.visitTokenSecret;
  const queue = await context.loaders.queueById.load(requireObjectId(input.queueId, 'queue'));
  if (!queue) throw new AppError('NOT_FOUND', 'No queue with this id.');
  const joiner = resolveJoiner(context.identity, queue, input);
  const fields = visitFields(input, joiner);
  if (context.identity.kind === 'staff' && joiner.customerId) {
    // Staff name the customer: it must be one of their organization's (the user subgraph decides).
    const visible = await context.customerPeer.isVisibleTo(context.identity, joiner.customerId, context.requestId);
    if (!visible) throw new AppError('NOT_FOUND', 'No customer with this id.');
  }
  const idempotencyKey = parse(idempotencyKeyRule(), input.idempotencyKey, 'idempotencyKey');
  const fingerprint = idempotencyKey ? idempotencyFingerprint(context.identity, input) : null;

  // Only the caller who used the key, with the same input, gets the visit (and its token) back.
  const replay = async (): Promise<JoinQueueResult | null> => {
    if (!idempotencyKey || !fingerprint) return null;
    const visit = await prisma.visit.findUnique({ where: { queueId_idempotencyKey: { queueId: queue.id, idempotencyKey } } });
    if (!visit) return null;
    assertSameRequest(visit, fingerprint);
    return { visit, visitToken: visitTokenFor(secret, visit.id) };
  };
  const earlier = await replay();
  if (earlier) return earlier;

  const serviceId = input.serviceId ?? null;
  const expectedServiceMinutes = await checkService(context, queue, serviceId);

  const id = randomUUID();
  const visitToken = visitTokenFor(secret, id);
  // The walk-in's next requests carry only this token: they must see this write.
  actAsTokenHolder(context.identity, visitToken);
  try {
    return await prisma.$transaction(
      async (tx) => {
        // Joins of one queue run one at a time from here to COMMIT: the status, the capacity and
        // the ticket counter are judged and bumped under this lock, so numbers have no gaps.
        const [locked] = await tx.$queryRaw<LockedQueue[]>`
          SELECT "status", "capacity", "countersOpen", "timezone", "ticketPrefix"
          FROM "Queue" WHERE "id" = ${queue.id}::uuid FOR UPDATE`;
        if (!locked) throw new AppError('NOT_FOUND', 'No queue with this id.');
        assertAcceptsVisits(locked.status);
        // Taken under the lock, so arrival order and ticket order agree.
        const joinedAt = new Date();
        const day = localDay(joinedAt, locked.timezone);
        // Its own statement, after the lock (line-read.ts): it counts the visit the previous holder
        // just committed. Were the queue full, the ticket it takes rolls back with the rest.
        const { ticketNumber: lastNumber, ...read } = await readLineTakingTicket(tx, queue.id, day, joinedAt);
        assertHasRoom(locked.capacity, read.line.places.length);

        const place = { id, priority: joiner.priority, lineAt: joinedAt, ticketNumber: lastNumber, serviceId, expectedServiceMinutes };
        const line = createLine([...read.line.places, place], read.line.appointments);
        const estimate = waitInLine(line, id, read.serviceTimes, locked.countersOpen)!.estimatedWaitMinutes;
        const visit = await tx.visit.create({
          data: {
            id,
            organizationId: queue.organizationId,
            queueId: queue.id,
            businessId: queue.businessId,
            serviceId,
            customerId: joiner.customerId,
            ...fields,
            kind: 'WALK_IN',
            source: joiner.source,
            status: 'WAITING',
            priority: joiner.priority,
            ticketDay: dayAsDate(day),
            ticketNumber: lastNumber,
            ticket: formatTicket(locked.ticketPrefix, lastNumber),
            expectedServiceMinutes,
            visitTokenHash: visitTokenHash(visitToken),
            idempotencyKey,
            idempotencyFingerprint: fingerprint,
            joinedAt,
            // A walk-in stands in the line from the moment it joined (positions.ts).
            lineAt: joinedAt,
            firstEstimateMinutes: estimate,
            latestEstimateMinutes: estimate,
          },
        });
        await tx.visitEvent.create({
          data: {
            visitId: id,
            organizationId: queue.organizationId,
            queueId: queue.id,
            fromStatus: null,
            toStatus: 'WAITING',
            ...joiner.actor,
            requestId: currentRequestId(),
            at: joinedAt,
          },
        });
        return { visit, visitToken, joinedLine: { ...read, line } };
      },
      // Hundreds may join one queue in the same second; each waits its turn for the lock.
      { maxWait: 20_000, timeout: 30_000 },
    );
  } catch (error) {
    // Two retries raced past the first check: the loser's transaction (ticket included) rolled back.
    const winner = isUniqueViolation(error) ? await replay() : null;
    if (winner) return winner;
    throw error;
  }
}
