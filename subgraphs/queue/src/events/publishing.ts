import type { Queue, Visit } from '@waitlessq/database';
import { queueLeftBy } from '../visits/visit-life';
import type { QueueEventPublisher } from './publisher';
import type { QueueChange, QueueChangeKind } from './queue-event';

export interface PublishedEvent {
  queueId: string;
  change: QueueChange;
}
/** The events of one mutation: none (nothing changed), or one per queue it changed. */
type Published = PublishedEvent[];

/** The event of a change of one visit, in the visit's queue (none when nothing was changed, e.g. callNext on an empty line). */
export const ofVisit =
  (kind: QueueChangeKind) =>
  (visit: Visit | null): Published =>
    visit ? [{ queueId: visit.queueId, change: { kind, visitIds: [visit.id] } }] : [];
const ofQueue = (kind: QueueChangeKind) => (queue: Queue): Published => [{ queueId: queue.id, change: { kind, visitIds: [] } }];

/** A transfer changes two lines: the queue the visit left sees it go, the queue it joined sees it come. */
const ofTransfer = (visit: Visit): Published => {
  const left = queueLeftBy(visit);
  const arrived = ofVisit('TRANSFERRED')(visit);
  return left && left !== visit.queueId ? [{ queueId: left, change: { kind: 'TRANSFERRED', visitIds: [visit.id] } }, ...arrived] : arrived;
};

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
  recallVisit: ofVisit('RECALLED'),
  returnToQueue: ofVisit('RETURNED'),
  transferVisit: ofTransfer,
  // Booked appointments count in the estimates of the line they will enter (visits/line.ts).
  bookAppointment: (result: { visit: Visit }) => ofVisit('APPOINTMENT_BOOKED')(result.visit),
  acceptStandbyOffer: (result: { visit: Visit }) => ofVisit('APPOINTMENT_BOOKED')(result.visit),
  approveAppointment: ofVisit('APPOINTMENT_CHANGED'),
  rescheduleAppointment: ofVisit('APPOINTMENT_CHANGED'),
  checkIn: ofVisit('CHECKED_IN'),
  pauseQueue: ofQueue('QUEUE_PAUSED'),
  resumeQueue: ofQueue('QUEUE_RESUMED'),
  closeQueue: ofQueue('QUEUE_CLOSED'),
  openQueue: ofQueue('QUEUE_OPENED'),
  updateQueue: ofQueue('QUEUE_UPDATED'),
};

/** A new queue has no subscriber and nothing to tell one; a standby entry is in no line. */
export const unpublishedMutations = ['createQueue', 'joinStandby', 'leaveStandby'];

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
          for (const event of published(result)) await publisher.publish(event.queueId, event.change);
          return result;
        };
  }
  return wrapped as T;
}
