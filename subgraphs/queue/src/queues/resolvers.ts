import type { Queue } from '@waitlessq/database';
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
import type { CreateQueueInput, UpdateQueueInput } from './queue-input';
import type { QueueAction } from './queue-status';
import { estimateAccuracy } from './estimate-accuracy';

type Resolver<TArgs, TParent = unknown> = (parent: TParent, args: TArgs, context: QueueContext) => unknown;

const statusChange =
  (action: QueueAction): Resolver<{ queueId: string }> =>
  async (_parent, { queueId }, context) => {
    const queue = await changeQueueStatus(context, queueId, action);
    await forgetQueue(context, queue.id);
    return queue;
  };

export const queueResolvers = {
  Query: {
    queue: ((_parent, { id }, context) => readQueue(context, id)) as Resolver<{ id: string }>,
    queues: ((_parent, { businessId }, context) => listQueues(context, businessId)) as Resolver<{ businessId: string }>,
  },
  Mutation: {
    createQueue: (async (_parent, { input }, context) => {
      const queue = await createQueue(context, input);
      context.loaders.queuesByBusiness.clear(queue.businessId);
      return queue;
    }) as Resolver<{ input: CreateQueueInput }>,
    updateQueue: (async (_parent, { input }, context) => {
      const queue = await updateQueue(context, input);
      await forgetQueue(context, queue.id);
      return queue;
    }) as Resolver<{ input: UpdateQueueInput }>,
    pauseQueue: statusChange('pause'),
    resumeQueue: statusChange('resume'),
    closeQueue: statusChange('close'),
    openQueue: statusChange('open'),
  },
  Queue: {
    __resolveReference: (reference: { id: string }, context: QueueContext) => resolveQueueReference(context, reference.id),
    business: (queue: Queue) => ({ __typename: 'Business', id: queue.businessId }),
    // A summary cached before the column existed has no value: the column's default.
    notifyAtPosition: (queue: Queue) => queue.notifyAtPosition ?? 3,
    waitingCount: (queue: Queue, _args: unknown, context: QueueContext) => waitingCount(context, queue),
    estimatedWaitMinutes: (queue: Queue, _args: unknown, context: QueueContext) => estimatedWaitForNewcomer(context, queue),
    nextTickets: (queue: Queue, { first }: { first: number }, context: QueueContext) => nextTickets(context, queue, first),
    waiting: (queue: Queue, { first }: { first: number }, context: QueueContext) => waitingVisits(context, queue, first),
    servingNow: (queue: Queue, _args: unknown, context: QueueContext) => servingNowVisits(context, queue),
    estimateAccuracy: (queue: Queue, { last }: { last: number }, context: QueueContext) => estimateAccuracy(context, queue, last),
  },
  Business: {
    // The representation is kept whole: availableSlots reads the bookingSchedule the gateway put in it (@requires).
    __resolveReference: (reference: { id: string; bookingSchedule?: unknown }) => reference,
    queues: (business: { id: string }, _args: unknown, context: QueueContext) => queuesOfBusiness(context, business.id),
  },
};
