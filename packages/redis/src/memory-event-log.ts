import type { PubSubEngine } from 'graphql-subscriptions';
import { eventChannel, SequenceAheadError, SequenceTooOldError, toJson, type EventLog, type EventLogEntry, type EventLogOptions } from './event-log';

interface StoredEntry {
  sequence: number;
  at: number;
  /** Kept serialized, as Redis keeps it: a reader never shares objects with the writer. */
  json: string;
}

interface MemoryStream {
  /** Outlives the entries (as the Redis counter does): sequences never restart. */
  counter: number;
  entries: StoredEntry[];
}

export type MemoryStreams = Map<string, MemoryStream>;

/**
 * The embedded default: the same contract as Redis inside one process. Appending and
 * publishing happen in one synchronous step, so the order of the log and of live delivery is
 * the order of append calls.
 */
export function createMemoryEventLog(
  pubsub: PubSubEngine,
  options: Required<EventLogOptions>,
  streams: MemoryStreams,
  now: () => number = Date.now,
): EventLog {
  const streamOf = (name: string): MemoryStream => {
    let stream = streams.get(name);
    if (!stream) streams.set(name, (stream = { counter: 0, entries: [] }));
    const oldest = now() - options.retentionMs;
    const firstKept = stream.entries.findIndex((entry) => entry.at >= oldest);
    stream.entries.splice(0, firstKept === -1 ? stream.entries.length : firstKept);
    return stream;
  };
  const revive = (entry: StoredEntry): EventLogEntry => ({ sequence: entry.sequence, at: entry.at, data: JSON.parse(entry.json) as unknown });

  return {
    async append(name, data) {
      const stream = streamOf(name);
      const stored = { sequence: ++stream.counter, at: now(), json: toJson(data) };
      stream.entries.push(stored);
      const entry = revive(stored);
      await pubsub.publish(eventChannel('', name), entry);
      return { ...entry };
    },
    async readAfter(name, afterSequence) {
      const stream = streamOf(name);
      if (afterSequence > stream.counter) throw new SequenceAheadError(name, afterSequence, stream.counter);
      if (afterSequence === stream.counter) return [];
      const start = stream.entries.findIndex((entry) => entry.sequence > afterSequence);
      const oldestKept = stream.entries[0]?.sequence ?? null;
      if (start === -1 || stream.entries[start].sequence !== afterSequence + 1) throw new SequenceTooOldError(name, afterSequence, oldestKept);
      if (stream.entries.length - start > options.maxReplay) throw new SequenceTooOldError(name, afterSequence, oldestKept);
      return stream.entries.slice(start).map(revive);
    },
    async latest(name) {
      const entries = streamOf(name).entries;
      return entries.length > 0 ? revive(entries[entries.length - 1]) : null;
    },
    async subscribe(name, onEntry) {
      const id = await pubsub.subscribe(eventChannel('', name), (entry: EventLogEntry) => onEntry(entry), {});
      return () => pubsub.unsubscribe(id);
    },
  };
}
