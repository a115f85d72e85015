import type { Queue, Visit } from '@waitlessq/database';
import type { EventLogEntry } from '@waitlessq/redis';
import type { ServiceTimes, WaitInLine } from '../visits/estimates';
import type { WaitingPlace } from '../visits/line';
import type { Line } from '../visits/positions';
import { reviveQueueEvent } from './revive';
import type { VisitRow } from './visit-row';

export type QueueChangeKind =
  | 'JOINED'
  | 'CALLED'
  | 'SERVING_STARTED'
  | 'COMPLETED'
  | 'NO_SHOW'
  | 'CANCELLED'
  | 'RECALLED'
  | 'RETURNED'
  | 'TRANSFERRED'
  | 'APPOINTMENT_BOOKED'
  | 'APPOINTMENT_CHANGED'
  | 'CHECKED_IN'
  | 'QUEUE_PAUSED'
  | 'QUEUE_RESUMED'
  | 'QUEUE_CLOSED'
  | 'QUEUE_OPENED'
  | 'QUEUE_UPDATED';

export interface QueueChange {
  kind: QueueChangeKind;
  /** The visits the change was about; none for a change of the queue itself. */
  visitIds: string[];
  /** The outbox row the event was relayed from (events/outbox.ts): an append repeated after a crash is recognized by it. */
  outboxId?: string;
}

/** A row as PostgreSQL's to_jsonb writes it: instants as strings. */
export type JsonRow<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };

/** The queue right after a change: everything positions, estimates and the payload fields need. */
export interface QueueSnapshot {
  queue: JsonRow<Queue>;
  /**
   * WAITING, CALLED and SERVING visits, the booked appointments expected to enter the line
   * (`appointmentIds`), plus the visits the change named (a cancelled one, or one transferred to
   * another queue), as rows (visit-row.ts).
   */
  visits: VisitRow[];
  /** The booked appointments counted in the estimates (visits/line.ts expectedAppointments). */
  appointmentIds: string[];
  /** The queues the named visits are in now when not this one (a visit transferred away). */
  otherQueues?: JsonRow<Queue>[];
  /** Measured average service seconds by service id, and `*` for the business. */
  serviceTimes: Record<string, number>;
}

/** What the event log keeps for each event of a queue. */
export interface QueueEventData {
  queueId: string;
  organizationId: string;
  change: QueueChange;
  snapshot: QueueSnapshot;
}

/**
 * An event as subscribers use it: revived once per process and shared by all of them, with
 * every waiting visit's position and estimate computed once, in memory.
 */
export interface QueueEvent {
  sequence: number;
  at: Date;
  queueId: string;
  organizationId: string;
  change: QueueChange;
  queue: Queue;
  /** The queue a named visit moved to (transferVisit): its row, so the visit's queue field answers. */
  otherQueues: ReadonlyMap<string, Queue>;
  visits: ReadonlyMap<string, Visit>;
  serviceTimes: ServiceTimes;
  line: Line<WaitingPlace>;
  waits: ReadonlyMap<string, WaitInLine>;
}

/** The log stream of a queue's events. */
export const queueEventStream = (queueId: string): string => `queue:${queueId}`;

const revived = new WeakMap<EventLogEntry, QueueEvent>();

/** The event of a log entry; the same entry object always gives the same event object. */
export function queueEventOf(entry: EventLogEntry): QueueEvent {
  let event = revived.get(entry);
  if (!event) revived.set(entry, (event = reviveQueueEvent(entry)));
  return event;
}
