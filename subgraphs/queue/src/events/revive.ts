import type { Queue, Visit } from '@waitlessq/database';
import type { EventLogEntry } from '@waitlessq/redis';
import { waitsInLine } from '../visits/estimates';
import { createLine } from '../visits/positions';
import type { JsonRow, QueueEvent, QueueEventData } from './queue-event';
import { toVisit } from './visit-row';

/**
 * An event's rows as the resolvers know them (Prisma's shapes, with Dates), with the line
 * ordered and every waiting visit's position and estimate computed once.
 */
export function reviveQueueEvent(entry: EventLogEntry): QueueEvent {
  const data = entry.data as QueueEventData;
  const queue = toQueue(data.snapshot.queue);
  const visits = new Map<string, Visit>();
  for (const row of data.snapshot.visits) {
    const visit = toVisit(row);
    visits.set(visit.id, visit);
  }
  const serviceTimes = new Map(Object.entries(data.snapshot.serviceTimes));
  const line = createLine([...visits.values()].filter((visit) => visit.status === 'WAITING'));
  return {
    sequence: entry.sequence,
    at: new Date(entry.at),
    queueId: data.queueId,
    organizationId: data.organizationId,
    change: data.change,
    queue,
    visits,
    serviceTimes,
    line,
    waits: waitsInLine(line, serviceTimes, queue.countersOpen),
  };
}

function toQueue(row: JsonRow<Queue>): Queue {
  return {
    ...row,
    idempotencyKey: null,
    createdAt: new Date(`${row.createdAt}Z`),
    updatedAt: new Date(`${row.updatedAt}Z`),
  };
}
