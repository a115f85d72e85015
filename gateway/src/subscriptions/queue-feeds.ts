import { subscriptionMetrics, type Logger } from '@waitlessq/observability';
import type { EventLog, EventLogEntry } from '@waitlessq/redis';
import { queueEventOf, queueEventStream, type QueueEvent } from './events';

/** Called for each event of the queue, in sequence order, with the event just before it. */
export type FeedListener = (previous: QueueEvent | null, event: QueueEvent) => void;

/** One queue's live events on this gateway, shared by all its subscribers here. */
export interface QueueFeed {
  readonly queueId: string;
  /** The newest event delivered (or the log's newest when the feed opened). */
  readonly last: QueueEvent | null;
  listen(listener: FeedListener): () => void;
}

export interface QueueFeeds {
  /** The feed of a queue, opened on first use; `release` when done with it. */
  acquire(queueId: string): Promise<QueueFeed>;
  release(feed: QueueFeed): void;
  /** Queues with a feed open, for metrics. */
  readonly size: number;
  close(): void;
}

/**
 * One live subscription per queue per gateway, however many subscribers: each event is
 * read once and handed to every listener. The feed delivers contiguous
 * sequences when the log has them: an entry further ahead than the next expected one (a
 * message lost while the Redis subscriber reconnected) makes it read the missing ones from the
 * log first, and when the log lost them too the newer entry is passed on alone; an entry
 * already delivered is dropped. Sequences come from PostgreSQL, so they never go back, even
 * after Redis restarted empty: dropping the ones at or below the last never silences a feed.
 */
export function createQueueFeeds(log: EventLog, logger: Logger): QueueFeeds {
  const open = new Map<string, { feed: Promise<Feed>; users: number }>();
  return {
    async acquire(queueId) {
      let entry = open.get(queueId);
      if (!entry) {
        const feed = Feed.open(log, queueId, logger);
        open.set(queueId, (entry = { feed, users: 0 }));
        feed.catch(() => open.get(queueId) === entry && open.delete(queueId));
      }
      entry.users += 1;
      try {
        return await entry.feed;
      } catch (error) {
        entry.users -= 1;
        throw error;
      }
    },
    release(feed) {
      const entry = open.get(feed.queueId);
      if (!entry || --entry.users > 0) return;
      open.delete(feed.queueId);
      (feed as Feed).close();
    },
    get size() {
      return open.size;
    },
    close() {
      for (const entry of open.values())
        void entry.feed.then(
          (feed) => feed.close(),
          () => undefined,
        );
      open.clear();
    },
  };
}

class Feed implements QueueFeed {
  private readonly listeners = new Set<FeedListener>();
  private unsubscribe: (() => void) | null = null;
  /** Entries are handled one after the other: a gap is filled before the next entry is looked at. */
  private chain: Promise<void>;
  private lastEvent: QueueEvent | null = null;

  private constructor(
    readonly queueId: string,
    private readonly log: EventLog,
    private readonly logger: Logger,
    started: Promise<void>,
  ) {
    this.chain = started;
  }

  /** Live first, then the log's newest entry as the starting point: nothing falls in between. */
  static async open(log: EventLog, queueId: string, logger: Logger): Promise<Feed> {
    let start!: () => void;
    const feed = new Feed(queueId, log, logger.child({ queueId }), new Promise<void>((resolve) => (start = resolve)));
    feed.unsubscribe = await log.subscribe(queueEventStream(queueId), (entry) => feed.receive(entry));
    try {
      const newest = await log.latest(queueEventStream(queueId));
      feed.lastEvent = newest ? queueEventOf(newest, queueId) : null;
    } catch (error) {
      feed.close();
      throw error;
    }
    start();
    return feed;
  }

  get last(): QueueEvent | null {
    return this.lastEvent;
  }

  listen(listener: FeedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.listeners.clear();
  }

  private receive(entry: EventLogEntry): void {
    this.chain = this.chain.then(() => this.handle(entry)).catch((error: unknown) => this.logger.error({ err: error }, 'queue feed failed to handle an event'));
  }

  private async handle(entry: EventLogEntry): Promise<void> {
    const last = this.lastEvent?.sequence ?? null;
    if (last !== null && entry.sequence <= last) return;
    if (last === null || entry.sequence === last + 1) return this.deliver(entry);
    let missed: EventLogEntry[];
    try {
      missed = await this.log.readAfter(queueEventStream(this.queueId), last);
      this.logger.warn({ from: last + 1, to: entry.sequence }, 'filled a gap in live queue events from the log');
    } catch (error) {
      // The log no longer has them: trimmed (an outage longer than the retention), or lost with
      // a Redis that restarted from an old snapshot or empty while PostgreSQL went on numbering.
      // The newer event carries the whole queue, so subscribers are current again with it; the
      // feed never goes quiet, and a client resuming across the hole is told SEQUENCE_TOO_OLD.
      this.logger.warn({ err: error, from: last + 1, to: entry.sequence }, 'live queue events were lost; passing the newer one on');
      missed = [entry];
    }
    for (const found of missed) if (found.sequence <= entry.sequence) await this.deliver(found);
  }

  /**
   * Hands the event to every listener within one turn: each joins its group's payload request
   * (payloads.ts), so a thousand subscribers of the event cost one request per group, sent
   * after the turn; their payloads are written as the answers come back.
   */
  private async deliver(entry: EventLogEntry): Promise<void> {
    const metrics = subscriptionMetrics();
    metrics.eventLag.observe(Math.max(0, Date.now() - entry.at) / 1000);
    const stopTimer = metrics.eventFanOut.startTimer();
    const previous = this.lastEvent;
    const event = queueEventOf(entry, this.queueId);
    this.lastEvent = event;
    for (const listener of [...this.listeners]) {
      try {
        listener(previous, event);
      } catch (error) {
        this.logger.error({ err: error }, 'a queue feed listener failed');
      }
    }
    // The listeners' payload requests leave within the turn after it.
    await new Promise((resolve) => setImmediate(resolve));
    stopTimer();
    metrics.delivery.observe(Math.max(0, Date.now() - entry.at) / 1000);
  }
}
