import type { Queue, Visit } from '@waitlessq/database';
import type { QueueEventPublisher } from './publisher';
import type { QueueChange, QueueChangeKind } from './queue-event';

type Published = { queueId: string; change: QueueChange } | null;

const ofVisit = (kind: QueueChangeKind) => (visit: Visit | null) => (visit ? { queueId: visit.queueId, change: { kind, visitIds: [visit.id] } } : null);
const ofQueue = (kind: QueueChangeKind) => (queue: Queue) => ({ queueId: queue.id, change: { kind, visitIds: [] } });

/**
 * The event each mutation records, read from its result once it has committed. A new
 * mutation must be added here or to `unpublishedMutations` (a test checks the schema).
 */
export const publishedMutations: Record<string, (result: never) => Published> = {
  joinQueue: (result: { visit: Visit }) => ofVisit('JOINED')(result.visit),
  callNext: ofVisit('CALLED'),
  startServing: ofVisit('SERVING_STARTED'),
  completeVisit: ofVisit('COMPLETED'),
  markNoShow: ofVisit('NO_SHOW'),
  cancelVisit: ofVisit('CANCELLED'),
  pauseQueue: ofQueue('QUEUE_PAUSED'),
  resumeQueue: ofQueue('QUEUE_RESUMED'),
  closeQueue: ofQueue('QUEUE_CLOSED'),
  openQueue: ofQueue('QUEUE_OPENED'),
  updateQueue: ofQueue('QUEUE_UPDATED'),
};

/** A new queue has no subscriber and nothing to tell one. */
export const unpublishedMutations = ['createQueue'];

type Resolver = (parent: unknown, args: unknown, context: unknown, info: unknown) => unknown;

/**
 * The mutations, each followed by publishing its event. The response waits for the event to
 * be recorded, so a client that reads its mutation's result and then subscribes with
 * `afterSequence` cannot miss it. A mutation that committed nothing new (a retried
 * idempotency key, pausing a paused queue) still records one: its subscribers get the same
 * state again, which is harmless.
 */
export function publishingChanges<T extends Record<string, unknown>>(publisher: QueueEventPublisher, mutations: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, resolver] of Object.entries(mutations)) {
    const published = publishedMutations[name] as ((result: unknown) => Published) | undefined;
    wrapped[name] = !published
      ? resolver
      : async (...args: Parameters<Resolver>) => {
          const result = await (resolver as Resolver)(...args);
          const event = published(result);
          if (event) await publisher.publish(event.queueId, event.change);
          return result;
        };
  }
  return wrapped as T;
}
