import type DataLoader from 'dataloader';
import type { BaseContext } from '@waitlessq/subgraph-kit';
import type { BusinessPeer, CustomerPeer } from './peers';
import { createNotificationLoader } from './notifications/loaders';
import { createQueueLoaders, type QueueLoaders } from './queues/loaders';
import { createQueueSummaryLoader, type QueueSummaries, type QueueSummary } from './queues/queue-summary';
import { createVisitLoaders, type VisitLoaders } from './visits/loaders';

export type Loaders = QueueLoaders &
  VisitLoaders & { queueSummary: DataLoader<string, QueueSummary | null>; notificationsByVisit: ReturnType<typeof createNotificationLoader> };

export interface QueueContext extends BaseContext {
  loaders: Loaders;
  businessPeer: BusinessPeer;
  customerPeer: CustomerPeer;
  /** The cached queue summaries, shared by every request of this instance. */
  summaries: QueueSummaries;
}

/** Per request: fresh DataLoaders (never shared between requests, so never stale across callers). */
export function createContextFactory(peers: { businessPeer: BusinessPeer; customerPeer: CustomerPeer }, summaries: QueueSummaries) {
  return (base: BaseContext): QueueContext => {
    const prisma = base.runtime.db.prisma;
    const visitLoaders = createVisitLoaders(prisma, base.identity);
    const queueLoaders = createQueueLoaders(prisma, base.identity, visitLoaders);
    return {
      ...base,
      ...peers,
      summaries,
      loaders: {
        ...queueLoaders,
        ...visitLoaders,
        queueSummary: createQueueSummaryLoader(summaries, queueLoaders),
        notificationsByVisit: createNotificationLoader(prisma),
      },
    };
  };
}

/**
 * After a write, what this request loaded about the queue is stale (a document may hold
 * several mutations, and the fields of a mutation's result are read after it), and so is the
 * shared summary: awaited before answering, so no later read serves the old one.
 */
export async function forgetQueue(context: QueueContext, queueId: string): Promise<void> {
  context.loaders.queueById.clear(queueId);
  context.loaders.waitingLine.clear(queueId);
  // Keyed by queue and page: every page goes (a document with several mutations is rare).
  context.loaders.waitingLineWithVisits?.clearAll();
  context.loaders.servingNow.clear(queueId);
  context.loaders.queueSummary.clear(queueId);
  await context.summaries.changed(queueId);
}
