import DataLoader from 'dataloader';
import type { Identity } from '@waitlessq/auth';
import type { PrismaClient, Queue, Visit } from '@waitlessq/database';
import { createByIdLoader, groupBy, organizationScope } from '@waitlessq/subgraph-kit';
import { isUuid } from '@waitlessq/validation';
import type { WaitingPlace } from '../visits/line';
import { readLineReads, readVisitsWithLines, type LineRead } from '../visits/line-read';
import type { VisitLoaders } from '../visits/loaders';
import { createLine, type Line } from '../visits/positions';

export interface LinePageKey {
  queueId: string;
  first: number;
}

export interface QueueLoaders {
  /** Any queue by id; callers decide who may see it (access.ts). */
  queueById: DataLoader<string, Queue | null>;
  /** The queues of a business inside the caller's organization (all of them for a service). */
  queuesByBusiness: DataLoader<string, Queue[]>;
  /**
   * The waiting line of a queue, ordered: positions and estimates of every visit come from it.
   * Read in one statement with the queue and its business's service times, which answer
   * `queueById` and `serviceTimesByBusiness` for the request too.
   */
  waitingLine: DataLoader<string, Line<WaitingPlace>>;
  /**
   * The same read with the first `first` waiting visits whole (a page of `Queue.waiting`),
   * answering `waitingLine` and `visitById` too. Absent where the loaders answer from memory
   * (subscription payloads).
   */
  waitingLineWithVisits?: DataLoader<LinePageKey, Line<WaitingPlace>, string>;
  /** CALLED and SERVING visits of a queue, earliest call first. */
  servingNow: DataLoader<string, Visit[]>;
  /**
   * A visit by id, with its queue's line in the same statement when it waits (`Query.visit`: a
   * walk-in polling its position and estimate), answering `visitById`, `waitingLine`,
   * `queueById` and `serviceTimesByBusiness` too. Absent where the loaders answer from memory.
   */
  visitWithLine?: DataLoader<string, Visit | null>;
}

/** `visitLoaders`: the request's visit loaders, primed by each line read (a line read alone primes only `queueById`). */
export function createQueueLoaders(
  prisma: PrismaClient,
  identity: Identity,
  visitLoaders?: Pick<VisitLoaders, 'visitById' | 'serviceTimesByBusiness'>,
): QueueLoaders {
  const organizationId = organizationScope(identity);
  // Line reads under way, by queue: a queue asked for meanwhile (a visit's `queue` next to its
  // position) comes with its line rather than in a statement of its own.
  const linesInFlight = new Map<string, Promise<Map<string, LineRead>>>();
  const queueById = createByIdLoader(async (ids) => {
    const withLine = ids.filter((id) => linesInFlight.has(id));
    const rest = ids.filter((id) => !linesInFlight.has(id) && isUuid(id));
    const [fromLines, read] = await Promise.all([
      Promise.all(withLine.map(async (id) => (await linesInFlight.get(id)!).get(id)?.queue)),
      rest.length ? prisma.queue.findMany({ where: { id: { in: rest } } }) : [],
    ]);
    return [...fromLines.filter((queue): queue is Queue => queue !== undefined), ...read];
  });
  const readLinesPriming = async (queueIds: readonly string[], wholeVisits: number) => {
    const reading = readLineReads(prisma, queueIds, { wholeVisits });
    for (const id of queueIds) linesInFlight.set(id, reading);
    const reads = await reading.finally(() => {
      for (const id of queueIds) if (linesInFlight.get(id) === reading) linesInFlight.delete(id);
    });
    for (const read of reads.values()) {
      primeLineRead({ queueById, waitingLine, serviceTimesByBusiness: visitLoaders?.serviceTimesByBusiness }, read);
      for (const visit of read.visits ?? []) visitLoaders?.visitById.prime(visit.id, visit);
    }
    // A queue that does not exist has an empty line, as before.
    return queueIds.map((id) => reads.get(id)?.line ?? createLine<WaitingPlace>([]));
  };
  const waitingLine = new DataLoader<string, Line<WaitingPlace>>((queueIds) => readLinesPriming(queueIds, 0));
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
    waitingLine,
    // One statement for every page asked for together, each queue's deepest page read whole.
    waitingLineWithVisits: new DataLoader(
      async (keys) => {
        const queueIds = [...new Set(keys.map((key) => key.queueId))];
        const lines = await readLinesPriming(queueIds, Math.max(...keys.map((key) => key.first)));
        return keys.map((key) => lines[queueIds.indexOf(key.queueId)]);
      },
      { cacheKeyFn: (key) => `${key.queueId}:${key.first}` },
    ),
    visitWithLine: new DataLoader(async (visitIds) => {
      const reads = await readVisitsWithLines(prisma, visitIds);
      for (const { visit, line } of reads.values()) {
        visitLoaders?.visitById.prime(visit.id, visit);
        if (line) primeLineRead({ queueById, waitingLine, serviceTimesByBusiness: visitLoaders?.serviceTimesByBusiness }, line);
      }
      return visitIds.map((id) => reads.get(id)?.visit ?? null);
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

/**
 * A line read into a request's loaders: its queue, its line and its business's service times
 * (prime() keeps what a loader holds already: what the request read earlier stays).
 */
export function primeLineRead(
  loaders: Pick<QueueLoaders, 'queueById' | 'waitingLine'> & { serviceTimesByBusiness?: VisitLoaders['serviceTimesByBusiness'] },
  { queue, line, serviceTimes }: LineRead,
): void {
  loaders.queueById.prime(queue.id, queue);
  loaders.waitingLine.prime(queue.id, line);
  loaders.serviceTimesByBusiness?.prime(queue.businessId, serviceTimes);
}
