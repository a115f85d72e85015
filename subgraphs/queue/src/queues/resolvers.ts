import type { QueueContext } from '../context';
import { forgetQueue } from '../context';
import {
  changeQueueStatus,
  createQueue,
  estimatedWaitForNewcomer,
  listQueues,
  nextTickets,
  queuesOfBusiness,
  readQueue,
  resolveQueueReference,
  servingNowVisits,
  updateQueue,
  waitingCount,
  waitingVisits,
} from './queue-service';
import type { QueueAction } from './queue-status';
import { estimateAccuracy } from './estimate-accuracy';
import type { Resolvers } from '../generated/resolvers-types';

const statusChange =
  (action: QueueAction) =>
  async (_parent: unknown, { queueId }: { queueId: string }, context: QueueContext) => {
    const queue = await changeQueueStatus(context, queueId, action);
    await forgetQueue(context, queue.id);
    return queue;
  };

export const queueResolvers = {
  Query: {
    queue: (_parent, { id }, context) => readQueue(context, id),
    queues: (_parent, { businessId }, context) => listQueues(context, businessId),
  },
  Mutation: {
    createQueue: async (_parent, { input }, context) => {
      const queue = await createQueue(context, input);
      context.loaders.queuesByBusiness.clear(queue.businessId);
      return queue;
    },
    updateQueue: async (_parent, { input }, context) => {
      const queue = await updateQueue(context, input);
      await forgetQueue(context, queue.id);
      return queue;
    },
    pauseQueue: statusChange('pause'),
    resumeQueue: statusChange('resume'),
    closeQueue: statusChange('close'),
    openQueue: statusChange('open'),
  },
  Queue: {
    __resolveReference: (reference, context) => resolveQueueReference(context, reference.id),
    business: (queue) => ({ __typename: 'Business', id: queue.businessId }),
    // A summary cached before the column existed has no value: the column's default.
    notifyAtPosition: (queue) => queue.notifyAtPosition ?? 3,
    waitingCount: (queue, _args, context) => waitingCount(context, queue),
    estimatedWaitMinutes: (queue, _args, context) => estimatedWaitForNewcomer(context, queue),
    nextTickets: (queue, { first }, context) => nextTickets(context, queue, first),
    waiting: (queue, { first }, context) => waitingVisits(context, queue, first),
    servingNow: (queue, _args, context) => servingNowVisits(context, queue),
    estimateAccuracy: (queue, { last }, context) => estimateAccuracy(context, queue, last),
  },
  Business: {
    // The representation is kept whole: availableSlots reads the bookingSchedule the gateway put in it (@requires).
    __resolveReference: (reference: { id: string; bookingSchedule?: unknown }) => reference,
    queues: (business, _args, context) => queuesOfBusiness(context, business.id),
  },
} satisfies Pick<Resolvers, 'Query' | 'Mutation' | 'Queue' | 'Business'>;
