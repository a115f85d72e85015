import type { Queue, Visit } from '@waitlessq/database';
import type { EventLogEntry } from '@waitlessq/redis';
import { waitsInLine } from '../visits/estimates';
import { appointmentPlace, type WaitingPlace } from '../visits/line';
import { createLine } from '../visits/positions';
import type { JsonRow, QueueEvent, QueueEventData } from './queue-event';
import { toVisit } from './visit-row';

/**
 * An event's rows as the resolvers know them (Prisma's shapes, with Dates), with the line
 * ordered (its waiting visits, and the booked appointments expected to enter it) and every
 * waiting visit's position and estimate computed once. A waiting visit's latest estimate is
 * the one just computed: the publisher wrote that very value (same rows, same function) in
 * the transaction that read the snapshot (events/latest-estimates.ts).
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
  // A visit the change named may be in another queue now (transferred): not in this line.
  const waiting = [...visits.values()].filter((visit) => visit.status === 'WAITING' && visit.queueId === data.queueId);
  const appointments = (data.snapshot.appointmentIds ?? []).flatMap((id) => {
    const visit = visits.get(id);
    return visit ? [appointmentPlace(visit)] : [];
  });
  const line = createLine<WaitingPlace>(waiting, appointments);
  const waits = waitsInLine(line, serviceTimes, queue.countersOpen);
  for (const visit of waiting) visit.latestEstimateMinutes = waits.get(visit.id)?.estimatedWaitMinutes ?? visit.latestEstimateMinutes;
  return {
    sequence: entry.sequence,
    at: new Date(entry.at),
    queueId: data.queueId,
    organizationId: data.organizationId,
    change: data.change,
    queue,
    otherQueues: new Map((data.snapshot.otherQueues ?? []).map((row) => [row.id, toQueue(row)])),
    visits,
    serviceTimes,
    line,
    waits,
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
