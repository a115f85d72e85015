import DataLoader from 'dataloader';
import type { Identity } from '@waitlessq/auth';
import type { PrismaClient, Queue, Visit } from '@waitlessq/database';
import { createByIdLoader, groupBy, organizationScope } from '@waitlessq/subgraph-kit';
import { isUuid } from '@waitlessq/validation';
import { readLines, type WaitingPlace } from '../visits/line';
import type { Line } from '../visits/positions';

export interface QueueLoaders {
  /** Any queue by id; callers decide who may see it (access.ts). */
  queueById: DataLoader<string, Queue | null>;
  /** The queues of a business inside the caller's organization (all of them for a service). */
  queuesByBusiness: DataLoader<string, Queue[]>;
  /** The waiting line of a queue, ordered: positions and estimates of every visit come from it. */
  waitingLine: DataLoader<string, Line<WaitingPlace>>;
  /** CALLED and SERVING visits of a queue, earliest call first. */
  servingNow: DataLoader<string, Visit[]>;
}

export function createQueueLoaders(prisma: PrismaClient, identity: Identity): QueueLoaders {
  const organizationId = organizationScope(identity);
  const queueById = createByIdLoader((ids) => prisma.queue.findMany({ where: { id: { in: ids.filter(isUuid) } } }));
  return {
    queueById,
    queuesByBusiness: new DataLoader(async (businessIds) => {
      const rows = await prisma.queue.findMany({
        where: { businessId: { in: businessIds.filter(isUuid) }, ...(organizationId ? { organizationId } : {}) },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      });
      // A listed queue's summary (waitingCount) then needs no second read of the same rows.
      for (const row of rows) queueById.prime(row.id, row);
      const byBusiness = groupBy(rows, (row) => row.businessId);
      return businessIds.map((id) => byBusiness.get(id) ?? []);
    }),
    waitingLine: new DataLoader(async (queueIds) => {
      const lines = await readLines(prisma, queueIds);
      return queueIds.map((id) => lines.get(id)!);
    }),
    servingNow: new DataLoader(async (queueIds) => {
      const rows = await prisma.visit.findMany({
        where: { queueId: { in: [...queueIds] }, status: { in: ['CALLED', 'SERVING'] } },
        orderBy: [{ calledAt: 'asc' }, { id: 'asc' }],
      });
      const byQueue = groupBy(rows, (row) => row.queueId);
      return queueIds.map((id) => byQueue.get(id) ?? []);
    }),
  };
}
