import { randomUUID } from 'node:crypto';
import type { Prisma, Queue, Visit, VisitStatus } from '@waitlessq/database';
import { AppError } from '@waitlessq/errors';
import { assertSameRequest, idempotencyFingerprint } from '@waitlessq/subgraph-kit';
import type { QueueContext } from '../context';
import { requireInputId } from '../ids';
import { idempotencyKey as idempotencyKeyRule, parse } from '@waitlessq/validation';
import { dayAsDate } from '../visits/tickets';
import { optionalLanguage } from '../visits/visit-language';
import { actAsTokenHolder, visitTokenFor, visitTokenHash } from '../visits/visit-token';
import { parseBookingSchedule, type BookingSchedule } from './booking-schedule';
import { isSlotUnavailable, slotUnavailable } from './capacity';
import { assertCustomerVisible, personOf, resolveBooker, type Booker, type Person, type PersonInput } from './people';
import { reminderTime } from './reminder-time';
import { findSlot, occupancyOf, readBusinessBookings } from './slots';
import { currentRequestId } from '../audit/request-id';

export interface BookAppointmentInput extends PersonInput {
  businessId: string;
  serviceId: string;
  startsAt: Date;
  /** The queue the visit waits in on arrival; by default the business's queue for the service. */
  queueId?: string | null;
  /** The visitor's language (BCP 47), for their notifications. */
  language?: string | null;
  idempotencyKey?: string | null;
}

export interface BookingResult {
  visit: Visit;
  visitToken: string;
}

/** A business's schedule and organization, as the business subgraph knows them. */
export interface ScheduledBusiness {
  organizationId: string;
  schedule: BookingSchedule;
}

export async function loadScheduledBusiness(context: QueueContext, businessId: string): Promise<ScheduledBusiness> {
  const found = await context.businessPeer.findBusinessSchedule(businessId, context.requestId);
  if (!found) throw new AppError('NOT_FOUND', 'No business with this id.');
  return { organizationId: found.organizationId, schedule: parseBookingSchedule(found.schedule) };
}

/**
 * `bookAppointment`: an APPOINTMENT visit in a free slot, BOOKED (or PENDING when the policy
 * wants approval and the booker is not staff). The slot is checked here against the rules and
 * the bookings, and again by the database under a per-business lock (capacity.ts), which is
 * what makes the last spot go to exactly one of many simultaneous bookings.
 */
export async function bookAppointment(context: QueueContext, input: BookAppointmentInput): Promise<BookingResult> {
  const businessId = requireInputId(input.businessId, 'businessId');
  const serviceId = requireInputId(input.serviceId, 'serviceId');
  const startsAt = requireInstant(input.startsAt, 'startsAt');
  const business = await loadScheduledBusiness(context, businessId);
  const booker = resolveBooker(context.identity, business.organizationId, input);
  const person = personOf(input, booker);
  const locale = optionalLanguage(input.language);
  await assertCustomerVisible(context, booker);
  const queue = await queueForAppointment(context, businessId, serviceId, input.queueId);
  const idempotencyKey = parse(idempotencyKeyRule(), input.idempotencyKey, 'idempotencyKey');
  const fingerprint = idempotencyKey ? idempotencyFingerprint(context.identity, input) : null;
  const replay = () => replayBooking(context, queue.id, idempotencyKey, fingerprint);
  const earlier = await replay();
  if (earlier) return earlier;
  try {
    return await placeAppointment(context, {
      business,
      queue,
      serviceId,
      startsAt,
      booker,
      person,
      locale,
      idempotencyKey,
      idempotencyFingerprint: fingerprint,
    });
  } catch (error) {
    // A retry raced the first attempt: the loser was refused (the key's unique index, or the
    // slot the winner just took); the winner is the answer to both.
    const winner = idempotencyKey ? await replay() : null;
    if (winner) return winner;
    throw error;
  }
}

/**
 * The columns of an appointment's time, from the rules it was booked under: its end and the
 * time it blocks (buffers included), its local day, the capacity the database checks it
 * against, the policy's deadlines (check-in, cancellation) as instants, and when its reminder
 * is due (reminder-time.ts; not yet sent, so a moved appointment is reminded again). Booking
 * and rescheduling write the same ones, `now` being the time of the write.
 */
export function appointmentTime(schedule: BookingSchedule, serviceId: string, startsAt: Date, now: Date) {
  const service = schedule.services.find((s) => s.id === serviceId)!;
  const occupancy = occupancyOf(schedule, service, startsAt);
  const { policy } = schedule;
  return {
    scheduledAt: startsAt,
    scheduledEndAt: occupancy.scheduledEndAt,
    blockedFrom: occupancy.blockedFrom,
    blockedUntil: occupancy.blockedUntil,
    bookingDay: dayAsDate(occupancy.bookingDay),
    slotCapacity: policy.spotsPerSlot,
    dayCapacity: policy.maxBookingsPerDay,
    checkInDeadline: new Date(startsAt.getTime() + policy.noShowGraceMinutes * 60_000),
    cancellableUntil: new Date(startsAt.getTime() - policy.cancellationWindowMinutes * 60_000),
    expectedServiceMinutes: service.durationMinutes,
    remindAt: reminderTime({ scheduledAt: startsAt, now, timezone: schedule.timezone, policy }),
    remindedAt: null,
  } satisfies Prisma.VisitUncheckedUpdateManyInput;
}

export interface Placement {
  business: ScheduledBusiness;
  queue: Queue;
  serviceId: string;
  startsAt: Date;
  booker: Booker;
  person: Person;
  /** The visitor's language (Visit.locale); none for a standby offer's booking. */
  locale?: string | null;
  idempotencyKey: string | null;
  /** Who used the key with what input (idempotency.ts); null for keys no caller sent (a standby offer's). */
  idempotencyFingerprint?: string | null;
  /** More writes of the same transaction (an accepted standby offer). */
  alongside?: (tx: Prisma.TransactionClient, visit: Visit) => Promise<void>;
}

/** Writes the booking once the caller and the person are settled (bookings and accepted standby offers). */
export async function placeAppointment(context: QueueContext, placement: Placement): Promise<BookingResult> {
  const { business, queue, serviceId, startsAt, booker, person, idempotencyKey, alongside } = placement;
  const idempotencyFingerprint = placement.idempotencyFingerprint ?? null;
  const { schedule } = business;
  const prisma = context.runtime.db.prisma;
  const now = new Date();
  const bookings = await readBusinessBookings(prisma, schedule, startsAt, startsAt);
  const slot = findSlot({ schedule, serviceId, startsAt, now, bookings });
  if (!slot) throw slotUnavailable('This time is not a free slot of the service; ask availableSlots for one.');
  const status: VisitStatus = schedule.policy.approvalRequired && !booker.staff ? 'PENDING' : 'BOOKED';
  const id = randomUUID();
  const visitToken = visitTokenFor(context.runtime.config.auth.visitTokenSecret, id);
  actAsTokenHolder(context.identity, visitToken);
  try {
    const visit = await prisma.$transaction(async (tx) => {
      const created = await tx.visit.create({
        data: {
          id,
          organizationId: business.organizationId,
          queueId: queue.id,
          businessId: queue.businessId,
          serviceId,
          customerId: booker.customerId,
          ...person,
          locale: placement.locale ?? null,
          kind: 'APPOINTMENT',
          source: booker.source,
          status,
          ...appointmentTime(schedule, serviceId, startsAt, now),
          visitTokenHash: visitTokenHash(visitToken),
          idempotencyKey,
          idempotencyFingerprint,
          bookedAt: now,
          approvedAt: status === 'BOOKED' ? now : null,
        },
      });
      await tx.visitEvent.create({
        data: {
          visitId: id,
          organizationId: business.organizationId,
          queueId: queue.id,
          fromStatus: null,
          toStatus: status,
          ...booker.actor,
          action: 'BOOKED',
          detail: { toScheduledAt: startsAt.toISOString() },
          requestId: currentRequestId(),
          at: now,
        },
      });
      await alongside?.(tx, created);
      return created;
    }, bookingTransaction);
    return { visit, visitToken };
  } catch (error) {
    if (isSlotUnavailable(error)) throw slotUnavailable();
    throw error;
  }
}

/**
 * The first result of an idempotency key, for the caller who used it with this very input; any
 * other use of the key is IDEMPOTENCY_KEY_REUSED, never someone else's visit or its token.
 */
async function replayBooking(context: QueueContext, queueId: string, key: string | null, fingerprint: string | null): Promise<BookingResult | null> {
  if (!key || !fingerprint) return null;
  const visit = await context.runtime.db.prisma.visit.findUnique({ where: { queueId_idempotencyKey: { queueId, idempotencyKey: key } } });
  if (!visit) return null;
  assertSameRequest(visit, fingerprint);
  return { visit, visitToken: visitTokenFor(context.runtime.config.auth.visitTokenSecret, visit.id) };
}

/**
 * The queue an appointment waits in once checked in: the one named, or the business's first
 * queue for the service (one naming it, else one for any service).
 */
export async function queueForAppointment(context: QueueContext, businessId: string, serviceId: string, queueId?: string | null): Promise<Queue> {
  const prisma = context.runtime.db.prisma;
  if (queueId) {
    const queue = await context.loaders.queueById.load(requireInputId(queueId, 'queueId'));
    if (!queue || queue.businessId !== businessId) throw new AppError('BAD_USER_INPUT', 'queueId is not a queue of this business.', { field: 'queueId' });
    if (queue.serviceIds.length > 0 && !queue.serviceIds.includes(serviceId)) {
      throw new AppError('BAD_USER_INPUT', 'queueId does not serve this service.', { field: 'queueId' });
    }
    return queue;
  }
  const queues = await prisma.queue.findMany({ where: { businessId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  const queue = queues.find((q) => q.serviceIds.includes(serviceId)) ?? queues.find((q) => q.serviceIds.length === 0);
  if (!queue) throw new AppError('BAD_USER_INPUT', 'serviceId has no queue at this business to wait in on arrival.', { field: 'serviceId' });
  return queue;
}

/**
 * Bookings of one business take turns at the capacity trigger's lock until they commit: in a
 * burst (a popular slot released), each may wait for many before it, like joins of one queue.
 */
export const bookingTransaction = { maxWait: 20_000, timeout: 30_000 } as const;

export function requireInstant(value: Date | string, field: string): Date {
  const instant = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(instant.getTime())) throw new AppError('BAD_USER_INPUT', `${field} must be an ISO-8601 instant.`, { field });
  return instant;
}
