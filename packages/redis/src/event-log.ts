/** One event of a stream: its place in the stream, when it was recorded (epoch ms), its data. */
export interface EventLogEntry<T = unknown> {
  sequence: number;
  at: number;
  data: T;
}

/**
 * Ordered, replayable streams of events (one per queue): every entry carries the sequence its
 * publisher was given (by PostgreSQL for queue events), is kept for a while, and is delivered
 * live to subscribers of the stream on every process. One contract, two implementations: Redis
 * Streams plus pub/sub, and memory for the embedded default (event-log.int.test.ts runs the
 * same suite over both).
 */
export interface EventLog {
  /**
   * Stores the data (any JSON value, or SerializedJson) under `sequence` and publishes it,
   * atomically: nothing is published that the log does not hold. A sequence not above the
   * stream's last one is refused with SequenceNotAboveError (never two entries with one
   * sequence, and the log stays in sequence order); a sequence further ahead is stored, and
   * the numbers skipped are a hole that readAfter reports as too old.
   */
  append(stream: string, data: unknown, sequence: number): Promise<EventLogEntry>;
  /**
   * Every entry after `afterSequence`, oldest first, without gaps. SequenceTooOldError when
   * some of them are no longer kept (trimmed, or lost with a Redis that restarted from an old
   * snapshot or empty: a hole in the sequences, or a stream the log holds nothing of);
   * SequenceAheadError for a sequence beyond the stream's last one.
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
  /**
   * Data whose JSON is longer than this is stored and published deflated (Redis only; readers
   * inflate it whatever this is set to); 0 never. Default 16 KiB.
   */
  compressAboveBytes?: number;
}

export const defaultCompressAboveBytes = 16 * 1024;

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

/** An append whose sequence is not above the stream's last: it was issued already (or is stale). */
export class SequenceNotAboveError extends Error {
  constructor(
    readonly stream: string,
    readonly sequence: number,
    /** The stream's last sequence. */
    readonly last: number,
  ) {
    super(`Sequence ${sequence} is not above the stream's last (${last}).`);
    this.name = 'SequenceNotAboveError';
  }
}

/**
 * Data already serialized as JSON, appended as it is: a large event built as JSON text by the
 * database is not parsed and serialized again on its way to the log.
 */
export class SerializedJson {
  constructor(readonly json: string) {}
}

/** Sequences are positive integers, exact in a JavaScript number and in Redis's Lua. */
export function assertSequence(sequence: number): void {
  if (!Number.isSafeInteger(sequence) || sequence < 1) throw new RangeError(`An event sequence must be a positive integer, not ${sequence}.`);
}

/**
 * The entries after `afterSequence` (oldest first) when they follow it without a hole; else
 * SequenceTooOldError naming the oldest sequence a resume can start from (the first after the
 * newest hole). A hole is a trimmed range, or entries lost with a Redis that restarted from an
 * old snapshot while PostgreSQL went on numbering.
 */
export function contiguousAfter<E extends { sequence: number }>(stream: string, afterSequence: number, entries: E[]): E[] {
  if (entries.length === 0) throw new SequenceTooOldError(stream, afterSequence, null);
  let first = entries.length - 1;
  while (first > 0 && entries[first - 1].sequence === entries[first].sequence - 1) first -= 1;
  if (first > 0 || entries[0].sequence !== afterSequence + 1) throw new SequenceTooOldError(stream, afterSequence, entries[first].sequence);
  return entries;
}

export const toJson = (data: unknown): string => (data instanceof SerializedJson ? data.json : JSON.stringify(data));

/** The channel live entries of a stream are published on (pub/sub channels get no key prefix from ioredis). */
export const eventChannel = (keyPrefix: string, stream: string): string => `${keyPrefix}events:${stream}`;
