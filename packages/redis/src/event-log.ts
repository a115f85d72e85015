/** One event of a stream: its place in the stream, when it was recorded (epoch ms), its data. */
export interface EventLogEntry<T = unknown> {
  sequence: number;
  at: number;
  data: T;
}

/**
 * Ordered, replayable streams of events (one per queue): every entry gets the next sequence
 * of its stream, is kept for a while, and is delivered live to subscribers of the stream on
 * every process. One contract, two implementations: Redis Streams plus pub/sub, and memory
 * for the embedded default (event-log.int.test.ts runs the same suite over both).
 */
export interface EventLog {
  /**
   * Gives the data (any JSON value, or SerializedJson) the stream's next sequence, stores it
   * and publishes it, atomically: the log is in sequence order however many processes append
   * at once, and nothing is published that the log does not hold.
   */
  append(stream: string, data: unknown): Promise<EventLogEntry>;
  /**
   * Every entry after `afterSequence`, oldest first, without gaps. SequenceTooOldError when
   * some of them are no longer kept; SequenceAheadError for a sequence the stream never had.
   */
  readAfter(stream: string, afterSequence: number): Promise<EventLogEntry[]>;
  /** The newest entry still kept, or null. */
  latest(stream: string): Promise<EventLogEntry | null>;
  /**
   * Calls `onEntry` for each entry appended from now on, in sequence order as published.
   * Resolves once the subscription is active (anything appended later is delivered); the
   * function it resolves to ends it. A dropped connection can lose entries: consumers detect
   * the gap by sequence and fill it with readAfter.
   */
  subscribe(stream: string, onEntry: (entry: EventLogEntry) => void): Promise<() => void>;
}

export interface EventLogOptions {
  /** How long entries are kept at least (the log is trimmed by age). */
  retentionMs: number;
  /** The most entries one readAfter returns; a reader further behind is told it is too old. */
  maxReplay?: number;
}

export const defaultMaxReplay = 10_000;

/** `afterSequence` is older than what the log keeps: the entries after it cannot all be given. */
export class SequenceTooOldError extends Error {
  constructor(
    readonly stream: string,
    readonly afterSequence: number,
    /** The oldest sequence still kept, null when none is. */
    readonly oldestKept: number | null,
  ) {
    super(`Events after sequence ${afterSequence} are no longer kept${oldestKept === null ? '' : ` (the oldest kept is ${oldestKept})`}.`);
    this.name = 'SequenceTooOldError';
  }
}

/** `afterSequence` is newer than the stream's latest: it never came from this log. */
export class SequenceAheadError extends Error {
  constructor(
    readonly stream: string,
    readonly afterSequence: number,
    readonly latest: number,
  ) {
    super(`Sequence ${afterSequence} is ahead of the latest event (${latest}).`);
    this.name = 'SequenceAheadError';
  }
}

/**
 * Data already serialized as JSON, appended as it is: a large event built as JSON text by the
 * database is not parsed and serialized again on its way to the log.
 */
export class SerializedJson {
  constructor(readonly json: string) {}
}

export const toJson = (data: unknown): string => (data instanceof SerializedJson ? data.json : JSON.stringify(data));

/** The channel live entries of a stream are published on (pub/sub channels get no key prefix from ioredis). */
export const eventChannel = (keyPrefix: string, stream: string): string => `${keyPrefix}events:${stream}`;
