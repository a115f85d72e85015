import type { Visit } from '@waitlessq/database';
import { forgetQueue, type QueueContext } from '../context';
import { primeLineRead } from '../queues/loaders';
import { joinQueue } from './join-visit';
import { callNext, cancelVisit, completeVisit, markNoShow, startServing } from './visit-service';
import { recallVisit, returnToQueue, transferVisit } from './visit-life';
import { historyOf, queueOf, readVisit, resolveVisitReference, visitsOfCustomer, waitOf } from './visit-reads';
import type { Resolvers } from '../generated/resolvers-types';

/** A visit changed: what this request already loaded about its queue is stale. */
const changing =
  (move: (context: QueueContext, visitId: string) => Promise<Visit>) =>
  async (_parent: unknown, { visitId }: { visitId: string }, context: QueueContext) => {
    const visit = await move(context, visitId);
    await forgetQueue(context, visit.queueId);
    return visit;
  };

export const visitResolvers = {
  Query: {
    visit: (_parent, { id, visitToken }, context) => readVisit(context, id, visitToken),
  },
  Mutation: {
    joinQueue: async (_parent, { input }, context) => {
      const { joinedLine, ...result } = await joinQueue(context, input);
      await forgetQueue(context, result.visit.queueId);
      // The line as the join committed it, read under the queue's lock, answers the position and
      // estimate instead of a read after the COMMIT. A change committed after this one shows from
      // the next request on, as it would had it come a moment later.
      if (joinedLine) primeLineRead(context.loaders, joinedLine);
      return result;
    },
    callNext: async (_parent, { queueId, counter }, context) => {
      const visit = await callNext(context, queueId, counter);
      if (visit) await forgetQueue(context, visit.queueId);
      return visit;
    },
    recallVisit: changing(recallVisit),
    returnToQueue: async (_parent, { visitId, placement }, context) => {
      const visit = await returnToQueue(context, visitId, placement);
      await forgetQueue(context, visit.queueId);
      return visit;
    },
    transferVisit: async (_parent, input, context) => {
      const before = await context.loaders.visitById.load(input.visitId);
      const visit = await transferVisit(context, input);
      if (before) await forgetQueue(context, before.queueId);
      await forgetQueue(context, visit.queueId);
      return visit;
    },
    startServing: changing(startServing),
    completeVisit: changing(completeVisit),
    markNoShow: changing(markNoShow),
    cancelVisit: async (_parent, { visitId, visitToken }, context) => {
      const visit = await cancelVisit(context, visitId, visitToken);
      await forgetQueue(context, visit.queueId);
      return visit;
    },
  },
  Visit: {
    __resolveReference: (reference, context) => resolveVisitReference(context, reference.id),
    position: async (visit, _args, context) => (await waitOf(context, visit))?.position ?? null,
    estimatedWaitMinutes: async (visit, _args, context) => (await waitOf(context, visit))?.estimatedWaitMinutes ?? null,
    calledBy: (visit) => (visit.calledById ? { __typename: 'User', id: visit.calledById } : null),
    waitMinutes: (visit) => (visit.waitSeconds === null ? null : Math.round(visit.waitSeconds / 60)),
    customer: (visit) => (visit.customerId ? { __typename: 'Customer', id: visit.customerId } : null),
    service: (visit) => (visit.serviceId ? { __typename: 'Service', id: visit.serviceId } : null),
    queue: (visit, _args, context) => queueOf(context, visit),
    language: (visit) => visit.locale ?? null,
    history: (visit, _args, context) => historyOf(context, visit),
  },
  Customer: {
    __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
    visits: (customer, { first }, context) => visitsOfCustomer(context, customer.id, first),
  },
} satisfies Pick<Resolvers, 'Query' | 'Mutation' | 'Visit' | 'Customer'>;
