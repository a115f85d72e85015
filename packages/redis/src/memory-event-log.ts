import type { PubSubEngine } from 'graphql-subscriptions';
import {
  assertSequence,
  contiguousAfter,
  eventChannel,
  SequenceAheadError,
  SequenceNotAboveError,
  SequenceTooOldError,
  toJson,
  type EventLog,
  type EventLogEntry,
  type EventLogOptions,
} from './event-log';

interface StoredEntry {
  sequence: number;
  at: number;
  /** Kept serialized, as Redis keeps it: a reader never shares objects with the writer. */
  json: string;
}

interface MemoryStream {
  /** The last sequence appended; outlives the entries (as the Redis marker does). */
  last: number;
  entries: StoredEntry[];
}

export type MemoryStreams = Map<string, MemoryStream>;

/**
 * The embedded default: the same contract as Redis inside one process. Appending and
 * publishing happen in one synchronous step, so the order of the log and of live delivery is
 * the order of append calls.
 */
export function createMemoryEventLog(pubsub: PubSubEngine, options: Required<EventLogOptions>, streams: MemoryStreams, now: () => number = Date.now): EventLog {
  const streamOf = (name: string): MemoryStream => {
    let stream = streams.get(name);
    if (!stream) streams.set(name, (stream = { last: 0, entries: [] }));
    const oldest = now() - options.retentionMs;
    const firstKept = stream.entries.findIndex((entry) => entry.at >= oldest);
    stream.entries.splice(0, firstKept === -1 ? stream.entries.length : firstKept);
    return stream;
  };
  const revive = (entry: StoredEntry): EventLogEntry => ({ sequence: entry.sequence, at: entry.at, data: JSON.parse(entry.json) as unknown });

  return {
    async append(name, data, sequence) {
      assertSequence(sequence);
      const stream = streamOf(name);
      if (sequence <= stream.last) throw new SequenceNotAboveError(name, sequence, stream.last);
      stream.last = sequence;
      const stored = { sequence, at: now(), json: toJson(data) };
      stream.entries.push(stored);
      const entry = revive(stored);
      await pubsub.publish(eventChannel('', name), entry);
      return { ...entry };
    },
    async readAfter(name, afterSequence) {
      const stream = streamOf(name);
      if (stream.last === 0 && afterSequence > 0) throw new SequenceTooOldError(name, afterSequence, null);
      if (afterSequence > stream.last) throw new SequenceAheadError(name, afterSequence, stream.last);
      if (afterSequence === stream.last) return [];
      const after = stream.entries.filter((entry) => entry.sequence > afterSequence);
      if (after.length > options.maxReplay) throw new SequenceTooOldError(name, afterSequence, null);
      return contiguousAfter(name, afterSequence, after).map(revive);
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
