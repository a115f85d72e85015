import type { Visit } from '@waitlessq/database';
import { forgetQueue, type QueueContext } from '../context';
import { joinQueue, type JoinQueueInput } from './join-visit';
import { callNext, cancelVisit, completeVisit, markNoShow, startServing } from './visit-service';
import { recallVisit, returnToQueue, transferVisit, type Placement, type TransferInput } from './visit-life';
import { historyOf, queueOf, readVisit, resolveVisitReference, visitsOfCustomer, waitOf } from './visit-reads';

type Resolver<TArgs> = (parent: unknown, args: TArgs, context: QueueContext) => unknown;

/** A visit changed: what this request already loaded about its queue is stale. */
const changing =
  (move: (context: QueueContext, visitId: string) => Promise<Visit>): Resolver<{ visitId: string }> =>
  async (_parent, { visitId }, context) => {
    const visit = await move(context, visitId);
    await forgetQueue(context, visit.queueId);
    return visit;
  };

export const visitResolvers = {
  Query: {
    visit: ((_parent, { id, visitToken }, context) => readVisit(context, id, visitToken)) as Resolver<{ id: string; visitToken?: string | null }>,
  },
  Mutation: {
    joinQueue: (async (_parent, { input }, context) => {
      const result = await joinQueue(context, input);
      await forgetQueue(context, result.visit.queueId);
      return result;
    }) as Resolver<{ input: JoinQueueInput }>,
    callNext: (async (_parent, { queueId, counter }, context) => {
      const visit = await callNext(context, queueId, counter);
      if (visit) await forgetQueue(context, visit.queueId);
      return visit;
    }) as Resolver<{ queueId: string; counter?: string | null }>,
    recallVisit: changing(recallVisit),
    returnToQueue: (async (_parent, { visitId, placement }, context) => {
      const visit = await returnToQueue(context, visitId, placement);
      await forgetQueue(context, visit.queueId);
      return visit;
    }) as Resolver<{ visitId: string; placement: Placement }>,
    transferVisit: (async (_parent, input, context) => {
      const before = await context.loaders.visitById.load(input.visitId);
      const visit = await transferVisit(context, input);
      if (before) await forgetQueue(context, before.queueId);
      await forgetQueue(context, visit.queueId);
      return visit;
    }) as Resolver<TransferInput>,
    startServing: changing(startServing),
    completeVisit: changing(completeVisit),
    markNoShow: changing(markNoShow),
    cancelVisit: (async (_parent, { visitId, visitToken }, context) => {
      const visit = await cancelVisit(context, visitId, visitToken);
      await forgetQueue(context, visit.queueId);
      return visit;
    }) as Resolver<{ visitId: string; visitToken?: string | null }>,
  },
  Visit: {
    __resolveReference: (reference: { id: string }, context: QueueContext) => resolveVisitReference(context, reference.id),
    position: async (visit: Visit, _args: unknown, context: QueueContext) => (await waitOf(context, visit))?.position ?? null,
    estimatedWaitMinutes: async (visit: Visit, _args: unknown, context: QueueContext) => (await waitOf(context, visit))?.estimatedWaitMinutes ?? null,
    calledBy: (visit: Visit) => (visit.calledById ? { __typename: 'User', id: visit.calledById } : null),
    waitMinutes: (visit: Visit) => (visit.waitSeconds === null ? null : Math.round(visit.waitSeconds / 60)),
    customer: (visit: Visit) => (visit.customerId ? { __typename: 'Customer', id: visit.customerId } : null),
    service: (visit: Visit) => (visit.serviceId ? { __typename: 'Service', id: visit.serviceId } : null),
    queue: (visit: Visit, _args: unknown, context: QueueContext) => queueOf(context, visit),
    language: (visit: Visit) => visit.locale ?? null,
    history: (visit: Visit, _args: unknown, context: QueueContext) => historyOf(context, visit),
  },
  Customer: {
    __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
    visits: (customer: { id: string }, { first }: { first: number }, context: QueueContext) => visitsOfCustomer(context, customer.id, first),
  },
};
