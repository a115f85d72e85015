import DataLoader from 'dataloader';
import type { Visit } from '@waitlessq/database';
import { AppError } from '@waitlessq/errors';
import type { Loaders } from '../context';
import { maxNextTickets, type QueueSummary } from '../queues/queue-summary';
import { formatTicket } from '../visits/tickets';
import type { QueueEvent } from './queue-event';

/**
 * The loaders of the queue subgraph's resolvers, served from an event's snapshot instead of the
 * database: the same resolvers (positions, estimates, access rules) then answer for a payload
 * exactly as for a query, and no subscriber costs a read. Built once per event and shared by
 * every subscriber of it (nothing in them depends on who asks). Fields the snapshot does not
 * hold answer an error naming the field, never stale data.
 */
export function createEventLoaders(event: QueueEvent): Loaders {
  const fromEvent = <K, V>(lookup: (key: K) => V | Error) => memoryLoader<K, V>(lookup);
  const elsewhere = (what: string) => new Error(`The event of queue ${event.queueId} holds nothing about another ${what}.`);
  const ofThisQueue =
    <V>(value: V) =>
    (queueId: string) =>
      queueId === event.queueId ? value : elsewhere('queue');
  const servingNow = [...event.visits.values()]
    .filter((visit) => visit.queueId === event.queueId && (visit.status === 'CALLED' || visit.status === 'SERVING'))
    .sort((a, b) => (a.calledAt?.getTime() ?? 0) - (b.calledAt?.getTime() ?? 0) || (a.id < b.id ? -1 : 1));
  const summary: QueueSummary = {
    queue: event.queue,
    waitingCount: event.line.places.length,
    nextTickets: event.line.places
      .slice(0, maxNextTickets)
      .flatMap((place) => (place.ticketNumber === null ? [] : [formatTicket(event.queue.ticketPrefix, place.ticketNumber)])),
  };
  return {
    // Another queue's row is there for a visit transferred to it; not its line, so no summary.
    queueSummary: fromEvent((id: string) => (id === event.queueId ? summary : event.otherQueues.has(id) ? elsewhere('queue') : null)),
    queueById: fromEvent((id: string) => (id === event.queueId ? event.queue : (event.otherQueues.get(id) ?? null))),
    visitById: fromEvent((id: string): Visit | null => event.visits.get(id) ?? null),
    waitingLine: fromEvent(ofThisQueue(event.line)),
    servingNow: fromEvent(ofThisQueue(servingNow)),
    serviceTimesByBusiness: fromEvent((businessId: string) => (businessId === event.queue.businessId ? event.serviceTimes : elsewhere('business'))),
    queuesByBusiness: notInPayloads('Business.queues'),
    historyByVisit: notInPayloads('Visit.history'),
    visitIdsByCustomer: notInPayloads('Customer.visits'),
    notificationsByVisit: notInPayloads('Visit.notifications'),
  };
}

function notInPayloads<K, V>(field: string): DataLoader<K, V, string> {
  return memoryLoader<K, V>(() => new AppError('BAD_USER_INPUT', `${field} is not available in subscription payloads; query it instead.`)) as DataLoader<
    K,
    V,
    string
  >;
}

/**
 * A DataLoader's face over values already in memory. A real DataLoader would answer each load,
 * cached or not, only at its next batch dispatch: a tick and a few promises per load, which
 * for thousands of subscribers per event cost more than the rest of their payloads.
 */
function memoryLoader<K, V>(lookup: (key: K) => V | Error): DataLoader<K, V> {
  const load = (key: K): Promise<V> => {
    const value = lookup(key);
    return value instanceof Error ? Promise.reject(value) : Promise.resolve(value);
  };
  const loader = {
    load,
    loadMany: (keys: readonly K[]) => Promise.all(keys.map((key) => load(key).catch((error: Error) => error))),
    clear: () => loader,
    clearAll: () => loader,
    prime: () => loader,
  };
  return loader as unknown as DataLoader<K, V>;
}
