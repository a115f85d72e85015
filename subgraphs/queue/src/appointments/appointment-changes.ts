import type { Prisma, Visit, VisitStatus } from '@waitlessq/database';
import { AppError } from '@waitlessq/errors';
import type { QueueContext } from '../context';
import { requireObjectId } from '../ids';
import { waitInLine } from '../visits/estimates';
import { readLineTakingTicket } from '../visits/line-read';
import { createLine, lineTimeOfCheckIn } from '../visits/positions';
import { dayAsDate, formatTicket, localDay } from '../visits/tickets';
import { actAsTokenHolder } from '../visits/visit-token';
import { appointmentTime, bookingTransaction, loadScheduledBusiness, requireInstant } from './booking';
import { isSlotUnavailable, slotUnavailable } from './capacity';
import { appointmentActor, assertCancellable, noVisit, staffActor, type AppointmentActor } from './holder';
import { findSlot, readBusinessBookings } from './slots';
import { currentRequestId } from '../audit/request-id';

/** Check-in opens this long before the appointment: earlier, the customer is not here for it. */
export const checkInOpensMinutesBefore = 120;

const bookedStates: readonly VisitStatus[] = ['PENDING', 'BOOKED'];

function assertAppointment(visit: Visit, states: readonly VisitStatus[], action: string): void {
  if (visit.kind !== 'APPOINTMENT' || !visit.scheduledAt) throw new AppError('INVALID_TRANSITION', `Only an appointment can be ${action}.`);
  if (!states.includes(visit.status)) {
    throw new AppError('INVALID_TRANSITION', `A ${visit.status} appointment cannot be ${action}.`, { from: visit.status });
  }
}

/** The visit as the primary has it: a change is judged on the latest row, never a replica's. */
async function readForChange(context: QueueContext, visitId: string): Promise<Visit> {
  const visit = await context.runtime.db.prisma.visit.findUnique({ where: { id: requireObjectId(visitId, 'visit') } });
  if (!visit) throw noVisit();
  return visit;
}

/** A concurrent change won the compare-and-set: say what the visit is now. */
async function lostRace(tx: Prisma.TransactionClient, id: string): Promise<never> {
  const current = await tx.visit.findUniqueOrThrow({ where: { id }, select: { status: true } });
  throw new AppError('CONFLICT', `The visit changed to ${current.status} while this was being applied; try again.`);
}

function remember(context: QueueContext, visit: Visit): Visit {
  context.loaders.visitById.clear(visit.id).prime(visit.id, visit);
  return visit;
}

/** What a change freed, for the standby list (standby/offers.ts). */
export interface RescheduleResult {
  visit: Visit;
  freedStartsAt: Date;
}

/**
 * `rescheduleAppointment`: the same booking at another free slot. Customers may move it until
 * the cancellation window, staff at any time. The booking's own time is not counted against
 * the new one (moving by a quarter of an hour within a busy hour works); the database's
 * capacity check applies to the new time as to any booking.
 */
export async function rescheduleAppointment(
  context: QueueContext,
  visitId: string,
  startsAtInput: Date | string,
  visitToken: string | null | undefined,
): Promise<RescheduleResult> {
  actAsTokenHolder(context.identity, visitToken);
  const startsAt = requireInstant(startsAtInput, 'startsAt');
  const visit = await readForChange(context, visitId);
  const who = appointmentActor(context.identity, visit, visitToken);
  assertAppointment(visit, bookedStates, 'rescheduled');
  const now = new Date();
  assertCancellable(visit, who, now);
  const { schedule } = await loadScheduledBusiness(context, visit.businessId);
  const prisma = context.runtime.db.prisma;
  const bookings = await readBusinessBookings(prisma, schedule, startsAt, startsAt, [visit.id]);
  const serviceId = visit.serviceId!;
  const slot = findSlot({ schedule, serviceId, startsAt, now, bookings });
  if (!slot) throw slotUnavailable('This time is not a free slot of the service; ask availableSlots for one.');
  try {
    const moved = await prisma.$transaction(async (tx) => {
      const { count } = await tx.visit.updateMany({
        where: { id: visit.id, status: visit.status, scheduledAt: visit.scheduledAt },
        data: appointmentTime(schedule, serviceId, startsAt, now),
      });
      if (count === 0) await lostRace(tx, visit.id);
      await tx.visitEvent.create({
        data: {
          visitId: visit.id,
          organizationId: visit.organizationId,
          queueId: visit.queueId,
          fromStatus: visit.status,
          toStatus: visit.status,
          ...who.actor,
          action: 'RESCHEDULED',
          detail: { fromScheduledAt: visit.scheduledAt!.toISOString(), toScheduledAt: startsAt.toISOString() },
          requestId: currentRequestId(),
          at: now,
        },
      });
      return tx.visit.findUniqueOrThrow({ where: { id: visit.id } });
    }, bookingTransaction);
    return { visit: remember(context, moved), freedStartsAt: visit.scheduledAt! };
  } catch (error) {
    if (isSlotUnavailable(error)) throw slotUnavailable();
    throw error;
  }
}

/**
 * `approveAppointment`: staff (STAFF+) confirm a PENDING booking; its time was held all along.
 * A reminder that fell due while it waited for approval is dropped, as one already past at
 * booking is (reminder-time.ts): it would only repeat the confirmation.
 */
export async function approveAppointment(context: QueueContext, visitId: string): Promise<Visit> {
  const visit = await readForChange(context, visitId);
  const who = staffActor(context.identity, visit);
  assertAppointment(visit, ['PENDING'], 'approved');
  const now = new Date();
  const approved = await context.runtime.db.prisma.$transaction(async (tx) => {
    const { count } = await tx.visit.updateMany({ where: { id: visit.id, status: 'PENDING' }, data: { status: 'BOOKED', approvedAt: now } });
    if (count === 0) await lostRace(tx, visit.id);
    // On the row this transaction now holds, whatever a concurrent reschedule wrote before it.
    await tx.visit.updateMany({ where: { id: visit.id, remindAt: { lte: now } }, data: { remindAt: null } });
    await tx.visitEvent.create({
      data: {
        visitId: visit.id,
        organizationId: visit.organizationId,
        queueId: visit.queueId,
        fromStatus: 'PENDING',
        toStatus: 'BOOKED',
        ...who.actor,
        action: 'APPROVED',
        requestId: currentRequestId(),
        at: now,
      },
    });
    return tx.visit.findUniqueOrThrow({ where: { id: visit.id } });
  });
  return remember(context, approved);
}

interface LockedQueue {
  status: string;
  countersOpen: number;
  timezone: string;
  ticketPrefix: string;
}

/**
 * `checkIn`: the customer has arrived. BOOKED -> WAITING with a ticket of today's sequence
 * (tickets are numbered when a visit enters the line, so cancelled bookings leave no gaps) and
 * a place by the line rule (positions.ts lineTimeOfCheckIn): on time, by the scheduled time;
 * late, by the check-in time. A paused queue still takes its appointments; a closed one does not.
 */
export async function checkIn(context: QueueContext, visitId: string, visitToken: string | null | undefined): Promise<Visit> {
  actAsTokenHolder(context.identity, visitToken);
  const visit = await readForChange(context, visitId);
  const who: AppointmentActor = appointmentActor(context.identity, visit, visitToken);
  if (visit.status === 'PENDING') throw new AppError('INVALID_TRANSITION', 'The appointment is not approved yet.', { from: 'PENDING', to: 'WAITING' });
  assertAppointment(visit, ['BOOKED'], 'checked in');
  const now = new Date();
  const opensAt = visit.scheduledAt!.getTime() - checkInOpensMinutesBefore * 60_000;
  if (now.getTime() < opensAt) {
    throw new AppError(
      'INVALID_TRANSITION',
      `Check-in opens ${checkInOpensMinutesBefore} minutes before the appointment, at ${new Date(opensAt).toISOString()}.`,
      {
        from: 'BOOKED',
        to: 'WAITING',
      },
    );
  }
  const prisma = context.runtime.db.prisma;
  const checkedIn = await prisma.$transaction(
    async (tx) => {
      // The queue's lock, as for a join: tickets are numbered one at a time, without gaps.
      const [locked] = await tx.$queryRaw<LockedQueue[]>`
        SELECT "status", "countersOpen", "timezone", "ticketPrefix" FROM "Queue" WHERE "id" = ${visit.queueId}::uuid FOR UPDATE`;
      if (locked.status === 'CLOSED') throw new AppError('QUEUE_CLOSED', 'The queue is closed; please ask at the desk.');
      const day = localDay(now, locked.timezone);
      const { line, serviceTimes, ticketNumber: lastNumber } = await readLineTakingTicket(tx, visit.queueId, day, now);
      const lineAt = lineTimeOfCheckIn(visit.scheduledAt!, now);
      const place = {
        id: visit.id,
        priority: visit.priority,
        lineAt,
        ticketNumber: lastNumber,
        serviceId: visit.serviceId,
        expectedServiceMinutes: visit.expectedServiceMinutes,
      };
      const estimate = waitInLine(createLine([...line.places, place], line.appointments), visit.id, serviceTimes, locked.countersOpen)!.estimatedWaitMinutes;
      const { count } = await tx.visit.updateMany({
        where: { id: visit.id, status: 'BOOKED' },
        data: {
          status: 'WAITING',
          joinedAt: now,
          checkedInAt: now,
          lineAt,
          ticketDay: dayAsDate(day),
          ticketNumber: lastNumber,
          ticket: formatTicket(locked.ticketPrefix, lastNumber),
          firstEstimateMinutes: estimate,
          latestEstimateMinutes: estimate,
        },
      });
      if (count === 0) await lostRace(tx, visit.id);
      await tx.visitEvent.create({
        data: {
          visitId: visit.id,
          organizationId: visit.organizationId,
          queueId: visit.queueId,
          fromStatus: 'BOOKED',
          toStatus: 'WAITING',
          ...who.actor,
          action: 'CHECKED_IN',
          detail: { onTime: lineAt.getTime() === visit.scheduledAt!.getTime() },
          requestId: currentRequestId(),
          at: now,
        },
      });
      return tx.visit.findUniqueOrThrow({ where: { id: visit.id } });
    },
    { maxWait: 20_000, timeout: 30_000 },
  );
  return remember(context, checkedIn);
}

/**
 * Cancelling goes through cancelVisit (visits/visit-service.ts) like any visit; for an
 * appointment a customer's cancellation must also be inside the policy's window. Judged
 * before the transition, on the primary's row.
 */
export async function assertAppointmentCancellable(context: QueueContext, visitId: string, visitToken: string | null | undefined): Promise<void> {
  actAsTokenHolder(context.identity, visitToken);
  const id = requireObjectId(visitId, 'visit');
  const visit = await context.runtime.db.prisma.visit.findUnique({ where: { id } });
  if (!visit || visit.kind !== 'APPOINTMENT') return;
  assertCancellable(visit, appointmentActor(context.identity, visit, visitToken), new Date());
}
