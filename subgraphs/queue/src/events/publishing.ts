import type { Queue, Visit } from '@waitlessq/database';
import { queueLeftBy } from '../visits/visit-life';
import type { QueueEventPublisher } from './publisher';

/** The queues a mutation changed: none (nothing changed), or each queue whose outbox it wrote. */
type ChangedQueues = string[];

const ofVisit = (visit: Visit | null): ChangedQueues => (visit ? [visit.queueId] : []);
const ofResult = (result: { visit: Visit }): ChangedQueues => ofVisit(result.visit);
const ofQueue = (queue: Queue): ChangedQueues => [queue.id];
/** A transfer changes two lines: the queue the visit left, and the one it joined. */
const ofTransfer = (visit: Visit): ChangedQueues => [...new Set([queueLeftBy(visit) ?? visit.queueId, visit.queueId])];

/**
 * The queues whose outbox each mutation relays, read from its result once it has committed
 * (the rows themselves were written by triggers in its transaction, events/outbox.ts). A new
 * mutation must be added here or to `unpublishedMutations` (a test checks the schema).
 */
export const publishedMutations: Record<string, (result: never) => ChangedQueues> = {
  joinQueue: ofResult,
  callNext: ofVisit,
  startServing: ofVisit,
  completeVisit: ofVisit,
  markNoShow: ofVisit,
  cancelVisit: ofVisit,
  recallVisit: ofVisit,
  returnToQueue: ofVisit,
  transferVisit: ofTransfer,
  // Booked appointments count in the estimates of the line they will enter (visits/line.ts).
  bookAppointment: ofResult,
  acceptStandbyOffer: ofResult,
  approveAppointment: ofVisit,
  rescheduleAppointment: ofVisit,
  checkIn: ofVisit,
  pauseQueue: ofQueue,
  resumeQueue: ofQueue,
  closeQueue: ofQueue,
  openQueue: ofQueue,
  updateQueue: ofQueue,
};

/**
 * A new queue has no subscriber and nothing to tell one; a standby entry is in no line; an
 * erasure (privacy/) changes no one's place or status: subscribers see the anonymized visit
 * with the queue's next change.
 */
export const unpublishedMutations = ['createQueue', 'joinStandby', 'leaveStandby', 'eraseCustomerData'];

// Any mutation's resolver: the wrapper passes the arguments through and reads only the result,
// so it keeps this narrow type; the generated types check the map it returns (index.ts).
type Resolver = (parent: unknown, args: unknown, context: unknown, info: unknown) => unknown;

/**
 * How long a mutation's answer waits for its relay at most. A relay takes the queue's rows in
 * the order they were written, so a change behind a backlog (the rows of a Redis outage, a
 * burst of joins) waits for all of it: up to 10 s per join once Redis was back in the
 * redis-outage bench. Past this the answer goes and the event follows in order.
 */
export const relayWaitMs = 2_000;

/**
 * The mutations, each followed by relaying the outbox of the queues it changed. The response
 * waits for the relay (at most relayWaitMs), so a client that reads its mutation's result and
 * then subscribes with `afterSequence` does not miss its event: the event is in the log, or
 * still to come with a higher sequence. Should this process die first, the rows are relayed
 * by the stale-row sweep of any replica (publisher.ts). A mutation that committed nothing new
 * (a retried idempotency key, pausing a paused queue) wrote no row and records no event.
 */
export function publishingChanges<T extends Record<string, unknown>>(
  publisher: Pick<QueueEventPublisher, 'relay'>,
  mutations: T,
  waitMs: number = relayWaitMs,
): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, resolver] of Object.entries(mutations)) {
    const changed = publishedMutations[name] as ((result: unknown) => ChangedQueues) | undefined;
    wrapped[name] = !changed
      ? resolver
      : async (...args: Parameters<Resolver>) => {
          const result = await (resolver as Resolver)(...args);
          // In turn, as before the bound (a transfer: the queue left, then the one joined).
          // relay() never throws: it logs, and leaves the rows to a later relay.
          const relayed = (async () => {
            for (const queueId of changed(result)) await publisher.relay(queueId);
          })();
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([relayed, new Promise((resolve) => (timer = setTimeout(resolve, waitMs)))]);
          clearTimeout(timer);
          return result;
        };
  }
  return wrapped as T;
}
