import type { BaseContext } from '@waitlessq/subgraph-kit';
import type { BusinessPeer } from './peers';
import { createQueueLoaders, type QueueLoaders } from './queues/loaders';
import { createVisitLoaders, type VisitLoaders } from './visits/loaders';

export type Loaders = QueueLoaders & VisitLoaders;

export interface QueueContext extends BaseContext {
  loaders: Loaders;
  businessPeer: BusinessPeer;
}

/** Per request: fresh DataLoaders (never shared between requests, so never stale across callers). */
export function createContextFactory(businessPeer: BusinessPeer) {
  return (base: BaseContext): QueueContext => {
    const prisma = base.runtime.db.prisma;
    return {
      ...base,
      businessPeer,
      loaders: { ...createQueueLoaders(prisma, base.identity), ...createVisitLoaders(prisma, base.identity) },
    };
  };
}

/**
 * After a write, what this request loaded about the queue is stale (a document may hold
 * several mutations, and the fields of a mutation's result are read after it).
 */
export function forgetQueue(context: QueueContext, queueId: string): void {
  context.loaders.queueById.clear(queueId);
  context.loaders.waitingLine.clear(queueId);
  context.loaders.servingNow.clear(queueId);
}
