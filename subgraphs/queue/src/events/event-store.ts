import { AppError } from '@waitlessq/errors';
import { SequenceAheadError, SequenceTooOldError, SerializedJson, type EventLog, type EventLogEntry } from '@waitlessq/redis';
import { queueEventOf, queueEventStream, type QueueEvent } from './queue-event';

/** Events kept revived in memory: every subscriber of a gateway asks for the same few. */
const maxKept = 512;
/**
 * And at most this many visits in them together: a revived event of a 1,000-visit line holds
 * about 1.3 MiB, so 512 of them would not fit the queue pods' heap (256 MiB of old generation).
 * 50,000 visits are about 63 MiB; the oldest events go first, and a later ask reads them again.
 */
const defaultMaxKeptVisits = 50_000;
/** Entries appended here and not asked for yet: at most this many characters of their JSON (484 KB at 1,000 visits). */
const defaultMaxAppendedChars = 32 * 1024 * 1024;
/** How many entries of one log read are kept (a replay reads many at once). */
const maxKeptPerRead = 256;

export interface EventStore {
  /**
   * The event of a queue at a sequence, from the event log (Redis): NOT_FOUND when the log does
   * not hold it. `given` is the entry as the asker received it live: used only when the log
   * cannot give it (Redis down, or restarted without it), so an event delivered live is never lost.
   */
  event(queueId: string, sequence: number, given?: EventLogEntry): Promise<QueueEvent>;
  /** The same, or null when the log no longer has it. */
  eventOrNull(queueId: string, sequence: number): Promise<QueueEvent | null>;
  /**
   * An entry this process just appended to the log (the publisher's): asked for next, it is
   * read from here rather than back from Redis. Revived at once when the queue's event before
   * it was asked for (the queue has subscribers, whose gateways will ask next), else only when
   * asked.
   */
  remember(queueId: string, entry: EventLogEntry): void;
}

/**
 * The queue's events as the gateway's subscribers are resolved from them: read from the event
 * log the publisher wrote (its snapshot is the one database read of the change), revived once
 * and kept, so a thousand subscribers of one event cost one log read here, and none of the
 * database. Concurrent asks for one event share the read.
 */
export function createEventStore(log: EventLog, limits: { maxKeptVisits?: number; maxAppendedChars?: number } = {}): EventStore {
  const maxKeptVisits = limits.maxKeptVisits ?? defaultMaxKeptVisits;
  const maxAppendedChars = limits.maxAppendedChars ?? defaultMaxAppendedChars;
  /** Oldest first; each with the visits its event holds once revived (0 until then). */
  const kept = new Map<string, { event: Promise<QueueEvent | null>; visits: number }>();
  let keptVisits = 0;
  const forget = (key: string) => {
    keptVisits -= kept.get(key)?.visits ?? 0;
    kept.delete(key);
  };
  const trim = () => {
    while (kept.size > maxKept || (keptVisits > maxKeptVisits && kept.size > 1)) forget(kept.keys().next().value as string);
  };
  const keep = (key: string, event: Promise<QueueEvent | null>) => {
    forget(key);
    const held = { event, visits: 0 };
    kept.set(key, held);
    trim();
    void event.then(
      (revived) => {
        if (kept.get(key) !== held || !revived) return;
        held.visits = revived.visits.size;
        keptVisits += held.visits;
        trim();
      },
      () => undefined,
    );
  };
  /** Entries appended here and not asked for yet, oldest first, with the characters of their JSON. */
  const appended = new Map<string, { entry: EventLogEntry; chars: number }>();
  let appendedChars = 0;
  const takeAppended = (key: string) => {
    const held = appended.get(key);
    if (held) {
      appended.delete(key);
      appendedChars -= held.chars;
    }
    return held?.entry;
  };
  const read = async (queueId: string, sequence: number): Promise<QueueEvent | null> => {
    let entries;
    try {
      entries = await log.readAfter(queueEventStream(queueId), sequence - 1);
    } catch (error) {
      // Trimmed or lost with Redis, or never written there: not an event this log can give.
      if (error instanceof SequenceTooOldError || error instanceof SequenceAheadError) return null;
      throw error;
    }
    for (const entry of entries.slice(1, maxKeptPerRead)) {
      const key = `${queueId}:${entry.sequence}`;
      if (!kept.has(key)) keep(key, Promise.resolve(queueEventOf(entry)));
    }
    const first = entries[0];
    return first?.sequence === sequence ? queueEventOf(first) : null;
  };
  const eventOrNull = (queueId: string, sequence: number) => {
    const key = `${queueId}:${sequence}`;
    let found = kept.get(key)?.event;
    const own = found ? undefined : takeAppended(key);
    if (own) {
      const data = own.data instanceof SerializedJson ? (JSON.parse(own.data.json) as unknown) : own.data;
      keep(key, (found = Promise.resolve(queueEventOf({ sequence: own.sequence, at: own.at, data }))));
    }
    if (!found) {
      found = read(queueId, sequence);
      keep(key, found);
      // An outage is not kept: the next ask reads again.
      found.catch(() => kept.get(key)?.event === found && forget(key));
    }
    return found;
  };
  return {
    eventOrNull,
    remember(queueId, entry) {
      const key = `${queueId}:${entry.sequence}`;
      if (kept.has(key)) return;
      takeAppended(key);
      const chars = entry.data instanceof SerializedJson ? entry.data.json.length : 0;
      appended.set(key, { entry, chars });
      appendedChars += chars;
      while (appended.size > maxKept || (appendedChars > maxAppendedChars && appended.size > 1)) takeAppended(appended.keys().next().value as string);
      // While the gateways receive the event and gather their subscribers, rather than once
      // their payload requests are here: parsing and reviving a line of 1,000 takes 5-9 ms.
      // After the publisher's turn (setImmediate): its transaction goes on first.
      if (kept.has(`${queueId}:${entry.sequence - 1}`)) {
        setImmediate(() => {
          try {
            void eventOrNull(queueId, entry.sequence).catch(() => undefined);
          } catch {
            // An entry that cannot be revived: the payload requests for it will say so.
          }
        });
      }
    },
    async event(queueId, sequence, given) {
      let event: QueueEvent | null;
      try {
        event = await eventOrNull(queueId, sequence);
      } catch (error) {
        if (!given) throw error;
        event = null;
      }
      if (!event && given) {
        if (given.sequence !== sequence || (given.data as { queueId?: unknown } | null)?.queueId !== queueId)
          throw new AppError('BAD_USER_INPUT', 'The event given is not the one named.');
        event = queueEventOf(given);
        keep(`${queueId}:${sequence}`, Promise.resolve(event));
      }
      if (!event) throw new AppError('NOT_FOUND', `The event log does not hold event ${sequence} of queue ${queueId}.`, { sequence });
      return event;
    },
  };
}
