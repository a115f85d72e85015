import { requireRole } from '@waitlessq/auth';
import type { Visit, VisitStatus } from '@waitlessq/database';
import { AppError } from '@waitlessq/errors';
import { forgetQueue, type QueueContext } from '../context';
import { requireObjectId } from '../ids';
import { offerFreedSlotSafely, type OfferDeps } from '../standby/offers';
import { approveAppointment, assertAppointmentCancellable, checkIn, rescheduleAppointment } from './appointment-changes';
import { bookAppointment, requireInstant } from './booking';
import type { MutationCancelVisitArgs, Resolvers, ResolversParentTypes } from '../generated/resolvers-types';

type CancelVisit = (parent: ResolversParentTypes['Mutation'], args: MutationCancelVisitArgs, context: QueueContext) => Promise<Visit>;

const offerDeps = (context: QueueContext): OfferDeps => ({
  prisma: context.runtime.db.prisma,
  businessPeer: context.businessPeer,
  logger: context.logger,
  requestId: context.requestId,
});

/** An appointment that no longer holds its time: offered to the standby list of its service. */
async function freed(context: QueueContext, visit: Visit, startsAt: Date | null): Promise<void> {
  if (visit.kind !== 'APPOINTMENT' || !visit.serviceId || !startsAt) return;
  await offerFreedSlotSafely(offerDeps(context), { businessId: visit.businessId, serviceId: visit.serviceId, startsAt });
}

/** `appointments(businessId, from, to, statuses)`: the day sheet of a business, for its staff. */
async function listAppointments(context: QueueContext, args: { businessId: string; from: Date; to: Date; statuses?: VisitStatus[] | null }): Promise<Visit[]> {
  const staff = requireRole(context.identity, 'STAFF');
  const businessId = requireObjectId(args.businessId, 'business');
  const from = requireInstant(args.from, 'from');
  const to = requireInstant(args.to, 'to');
  if (to <= from) throw new AppError('BAD_USER_INPUT', 'to must be after from.', { field: 'to' });
  if (to.getTime() - from.getTime() > 92 * 86_400_000) throw new AppError('BAD_USER_INPUT', 'from and to may be at most 92 days apart.', { field: 'to' });
  return context.runtime.db.prisma.visit.findMany({
    where: {
      organizationId: staff.organizationId,
      businessId,
      kind: 'APPOINTMENT',
      scheduledAt: { gte: from, lt: to },
      ...(args.statuses?.length ? { status: { in: args.statuses } } : {}),
    },
    orderBy: [{ scheduledAt: 'asc' }, { id: 'asc' }],
    take: 2000,
  });
}

export const appointmentResolvers = {
  Query: {
    appointments: (_parent, args, context) => listAppointments(context, args),
  },
  Mutation: {
    bookAppointment: async (_parent, { input }, context) => {
      const result = await bookAppointment(context, input);
      await forgetQueue(context, result.visit.queueId);
      return result;
    },
    rescheduleAppointment: async (_parent, { visitId, startsAt, visitToken }, context) => {
      const { visit, freedStartsAt } = await rescheduleAppointment(context, visitId, startsAt, visitToken);
      await forgetQueue(context, visit.queueId);
      await freed(context, visit, freedStartsAt);
      return visit;
    },
    approveAppointment: async (_parent, { visitId }, context) => {
      const visit = await approveAppointment(context, visitId);
      await forgetQueue(context, visit.queueId);
      return visit;
    },
    checkIn: async (_parent, { visitId, visitToken }, context) => {
      const visit = await checkIn(context, visitId, visitToken);
      await forgetQueue(context, visit.queueId);
      return visit;
    },
  },
  Visit: {
    // Staff see when an appointment may be moved; the fields hold no one's personal data.
    checkInDeadline: (visit) => visit.checkInDeadline,
    cancellableUntil: (visit) => visit.cancellableUntil,
  },
} satisfies Pick<Resolvers, 'Query' | 'Mutation' | 'Visit'>;

/**
 * cancelVisit (visits/) serves walk-ins and appointments alike; for an appointment a customer
 * must be inside the cancellation window, and the time it held goes to the standby list.
 */
export function cancellingAppointments(cancelVisit: CancelVisit): CancelVisit {
  return async (parent, args, context) => {
    await assertAppointmentCancellable(context, args.visitId, args.visitToken);
    const visit = await cancelVisit(parent, args, context);
    if (visit.kind === 'APPOINTMENT' && visit.scheduledAt) await freed(context, visit, visit.scheduledAt);
    return visit;
  };
}
