import type { EventLogEntry } from '@waitlessq/redis';

/**
 * A queue's event as the gateway reads it from the log: the entity it names (the queue, at a
 * sequence). Everything else in the entry (the change, the snapshot the publisher read) is the
 * queue subgraph's: payloads are resolved there, through `_entities` (payloads.ts), and the
 * entry's data is not even parsed here (packages/redis decodePublished) unless sent back.
 */
export interface QueueEvent {
  sequence: number;
  /** When the event was recorded (ms since the epoch). */
  at: number;
  queueId: string;
  /**
   * The entry's data as received, opaque here: sent back to the queue subgraph only when it
   * cannot read the event from the log (Redis down, or restarted without it), so an event
   * delivered live still reaches every subscriber.
   */
  readonly data: unknown;
}

/** The log stream of a queue's events (the queue subgraph publishes to it). */
export const queueEventStream = (queueId: string): string => `queue:${queueId}`;

const read = new WeakMap<EventLogEntry, QueueEvent>();

/** The event of a log entry of a queue; the same entry object always gives the same event object (payloads are shared per event). */
export function queueEventOf(entry: EventLogEntry, queueId: string): QueueEvent {
  let event = read.get(entry);
  if (!event) {
    // The data read only if asked for (a getter on entries from pub/sub).
    read.set(
      entry,
      (event = {
        sequence: entry.sequence,
        at: entry.at,
        queueId,
        get data() {
          return entry.data;
        },
      }),
    );
  }
  return event;
}

/** What a subscription follows once it is allowed (the queue subgraph's subscriptionAccess answers it). */
export interface SubscriptionTarget {
  queueId: string;
  /** A visit already DONE, NO_SHOW or CANCELLED: nothing more will happen to it. */
  finished: boolean;
}
