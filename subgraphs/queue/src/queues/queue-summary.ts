import DataLoader from 'dataloader';
import type { PrismaClient, Queue } from '@waitlessq/database';
import type { JsonCache } from '@waitlessq/redis';
import { createCache, reviveDates, type ServiceRuntime } from '@waitlessq/subgraph-kit';
import { isUuid } from '@waitlessq/validation';
import type { WaitingPlace } from '../visits/line';
import { readLineReads } from '../visits/line-read';
import type { Line } from '../visits/positions';
import { formatTicket } from '../visits/tickets';
import type { QueueLoaders } from './loaders';

/** Tickets kept per summary: a waiting-room screen shows a handful. */
export const maxNextTickets = 10;

/**
 * What a display screen polls: the queue, how many wait, and the next tickets. Ticket numbers
 * only, never names or phones, and the queue without its idempotency key; who may see it is
 * decided after the read (access.ts), so one entry serves every caller.
 */
export interface QueueSummary {
  queue: Queue;
  waitingCount: number;
  nextTickets: string[];
}

export interface QueueSummaries {
  cache: JsonCache<QueueSummary>;
  /**
   * Where misses are read while caching is on: the primary. A miss follows an invalidation,
   * and a lagging replica would hand the old line to the cache under the new version. With
   * caching off (null) every read is a miss: summaries come from the request's own loaders,
   * where reads go, sharing their statements with the other fields.
   */
  fillFrom: PrismaClient | null;
  /** After a write to the queue or its line committed, before answering. */
  changed(queueId: string): Promise<void>;
}

const reviveQueue = reviveDates<Queue>('createdAt', 'updatedAt');

export function createQueueSummaries(runtime: ServiceRuntime): QueueSummaries {
  const cache = createCache<QueueSummary>(runtime, 'queue-summary', (json) => {
    const summary = json as QueueSummary;
    return { ...summary, queue: reviveQueue(summary.queue) };
  });
  return {
    cache,
    fillFrom: runtime.config.cache.ttlSeconds > 0 ? runtime.db.primary : null,
    changed: (queueId) => cache.invalidate(queueId),
  };
}

/**
 * Per request: the summaries of every queue the request asks about, in one cache lookup and
 * at most two statements. Each summary's queue row also answers `queueById` for the request.
 */
export function createQueueSummaryLoader(summaries: QueueSummaries, loaders: QueueLoaders): DataLoader<string, QueueSummary | null> {
  const { fillFrom } = summaries;
  return new DataLoader(async (ids) => {
    const valid = ids.filter(isUuid);
    const found = await summaries.cache.getMany(valid, (missing) => (fillFrom ? readSummaries(fillFrom, missing) : summariesFromLoaders(loaders, missing)));
    const byId = new Map(valid.map((id, i) => [id, found[i] ?? null]));
    for (const summary of byId.values()) if (summary) loaders.queueById.prime(summary.queue.id, summary.queue);
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** One statement for every missing summary. */
async function readSummaries(db: PrismaClient, queueIds: string[]): Promise<Map<string, QueueSummary>> {
  const reads = await readLineReads(db, queueIds);
  return new Map([...reads.values()].map(({ queue, line }) => [queue.id, summarize(queue, line)]));
}

async function summariesFromLoaders(loaders: QueueLoaders, queueIds: string[]): Promise<Map<string, QueueSummary>> {
  // The lines first: their read brings the queues (one statement, not two).
  const lines = await loaders.waitingLine.loadMany(queueIds);
  const queues = await loaders.queueById.loadMany(queueIds);
  const summaries = new Map<string, QueueSummary>();
  queues.forEach((queue, i) => {
    const line = lines[i];
    if (queue && !(queue instanceof Error) && !(line instanceof Error)) summaries.set(queue.id, summarize(queue, line));
  });
  return summaries;
}

function summarize(queue: Queue, line: Line<WaitingPlace> | undefined): QueueSummary {
  const places = line?.places ?? [];
  const nextTickets = places
    .slice(0, maxNextTickets)
    .flatMap((place) => (place.ticketNumber === null ? [] : [formatTicket(queue.ticketPrefix, place.ticketNumber)]));
  return { queue: { ...queue, idempotencyKey: null, idempotencyFingerprint: null }, waitingCount: places.length, nextTickets };
}
