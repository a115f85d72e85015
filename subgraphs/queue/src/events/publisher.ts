import { currentRequestScope, outboxMetrics } from '@waitlessq/database';
import type { JobQueue } from '@waitlessq/jobs';
import { createEventLog, SequenceNotAboveError, SerializedJson, type EventLog, type EventLogEntry } from '@waitlessq/redis';
import { createTimerTask, type BackgroundTask, type ServiceRuntime } from '@waitlessq/subgraph-kit';
import type { Db } from '../visits/line';
import { effectsOf } from './effects';
import { latestEstimateChanges, writeLatestEstimates } from './latest-estimates';
import { queuesWithStaleRows, recordChange, takeRows, type OutboxRow } from './outbox';
import { queueEventStream, type QueueChange, type QueueChangeKind, type QueueEventData } from './queue-event';
import { readQueueEvent } from './snapshot';

export interface QueueEventPublisher {
  /**
   * Hands on the queue's committed outbox rows: each becomes a live event in the log (with
   * the queue as it is now) and the jobs of its effects. Never throws: the rows stay until a
   * relay succeeds (this one's next call, or the stale-row sweep of any replica).
   */
  relay(queueId: string): Promise<void>;
  /** Records a change no trigger wrote (tests, benchmarks) and relays it. */
  publish(queueId: string, change: QueueChange): Promise<void>;
  /** Relays the queues whose rows are older than `olderThanMs` (a process died before relaying them); returns how many queues. */
  relayStale(olderThanMs: number): Promise<number>;
}

/** Namespaces our advisory locks (the first key of the two-key form): "QEVT". */
export const relayLockNamespace = 0x51455654;
/** Rows relayed in one transaction; a longer backlog takes several. */
const batchSize = 100;

/** The event log as the queue side writes it (retention and compression from the configuration). */
export function queueEventLog(runtime: ServiceRuntime): EventLog {
  return createEventLog(runtime.redis, {
    retentionMs: runtime.config.subscriptions.eventRetentionMs,
    compressAboveBytes: runtime.config.subscriptions.eventCompressAboveBytes,
  });
}

/**
 * The outbox relay. One relay per queue at a time, across every replica: rows are taken,
 * relayed and deleted under a transaction-scoped advisory lock of the queue, in the order
 * they were written, so the log's order is the order of the changes and a later sequence
 * never shows an older line. For each row the queue is read once (the event's snapshot); from
 * it the latest estimate of every waiting visit is written in the same transaction (each
 * visit's latestEstimateMinutes is what the event shows it) and the row's effects are added
 * as jobs. It runs on the primary: a replica may not have the change yet.
 *
 * Exactly once in effect: a relay that dies after appending to Redis but before its COMMIT
 * leaves the rows, and the next relay appends them again; an entry above the committed
 * sequence names the row it came from, so that append is recognized and skipped. Job ids derive from the row or
 * the visit, so jobs added twice are one job.
 */
export function createQueueEventPublisher(
  runtime: ServiceRuntime,
  options: {
    log?: EventLog;
    jobs?: JobQueue;
    /** Each entry appended, as the log took it (the event store keeps it for the payloads). */ onAppended?: (queueId: string, entry: EventLogEntry) => void;
  } = {},
): QueueEventPublisher {
  const events = options.log ?? queueEventLog(runtime);
  const jobs = options.jobs ?? runtime.jobs.queue;
  const { relayLag, oldestPending } = outboxMetrics();
  const relayBatch = async (queueId: string): Promise<number> => {
    const rows = await runtime.db.primary.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${relayLockNamespace}::int, hashtext(${queueId}))`;
        const taken = await takeRows(tx, queueId, batchSize);
        for (const row of taken) await relayRow(tx, events, jobs, row, options.onAppended);
        return taken;
      },
      // Hundreds may join one queue in the same second: their relays wait in turn.
      { maxWait: 10_000, timeout: 20_000 },
    );
    // Once committed: a relay that fails leaves its rows to a later one, which measures them.
    for (const row of rows) relayLag.observe(Math.max(0, row.lagSeconds));
    return rows.length;
  };
  const relayNow = async (queueId: string): Promise<void> => {
    try {
      while ((await relayBatch(queueId)) === batchSize);
    } catch (error) {
      runtime.logger.error({ err: error, requestId: currentRequestScope()?.requestId, queueId }, 'could not relay the outbox of a queue');
    }
  };
  // Relays of one queue from this process wait their turn here, in memory, rather than each
  // holding a pool connection while it waits for the queue's advisory lock. A relay asked for
  // while one waits to start shares that one: it will take every row committed by its start,
  // the caller's included. So a burst of joins spends one relay after the running one, not
  // one transaction each, most of them finding no row.
  const tails = new Map<string, { relayed: Promise<void>; started: boolean }>();
  const relay = (queueId: string): Promise<void> => {
    const tail = tails.get(queueId);
    if (tail && !tail.started) return tail.relayed;
    const next = { relayed: Promise.resolve(), started: false };
    next.relayed = (tail?.relayed ?? Promise.resolve()).then(() => {
      next.started = true;
      return relayNow(queueId);
    });
    tails.set(queueId, next);
    void next.relayed.then(() => tails.get(queueId) === next && tails.delete(queueId));
    return next.relayed;
  };
  return {
    relay,
    async publish(queueId, change) {
      await recordChange(runtime.db.primary, queueId, change);
      await relay(queueId);
    },
    async relayStale(olderThanMs) {
      const { queueIds, oldestAgeSeconds } = await queuesWithStaleRows(runtime.db.primary, olderThanMs, 100);
      oldestPending.set(oldestAgeSeconds);
      for (const queueId of queueIds) await relay(queueId);
      return queueIds.length;
    },
  };
}

/** One row: its live event (a reminder changes no line and has none), then its jobs. */
async function relayRow(
  tx: Db,
  events: EventLog,
  jobs: JobQueue,
  row: OutboxRow,
  onAppended: ((queueId: string, entry: EventLogEntry) => void) | undefined,
): Promise<void> {
  if (row.kind === 'APPOINTMENT_REMINDER_DUE') {
    await jobs.addBulk(effectsOf(row, null));
    return;
  }
  const change: QueueChange = { kind: row.kind as QueueChangeKind, visitIds: row.visitIds, outboxId: row.id };
  const read = await readQueueEvent(tx, row.queueId, change);
  if (read !== null) {
    // The event first: subscribers are not kept waiting for the estimates' UPDATE (every waiting
    // visit's row when the line moves: about 60 ms at 1,000 waiting), which the event does not
    // read. Should the UPDATE or the COMMIT fail, the entry is in the log as after any append
    // whose COMMIT failed (appendOnce recognizes it by its row when the relay runs again).
    const entry = await appendOnce(tx, events, row.queueId, new SerializedJson(read.event), row.id, read.sequence);
    if (entry) onAppended?.(row.queueId, entry);
    await writeLatestEstimates(tx, row.queueId, latestEstimateChanges(read.line));
  }
  // One round trip per job queue for the row's notifications and webhook event.
  await jobs.addBulk(effectsOf(row, read?.line ?? null));
}

/**
 * Appends the event under the sequence its read issued (snapshot.ts: lastEventSequence bumped in
 * the relay's transaction, which holds the queue's lock). If the append fails the transaction
 * rolls back and the number is given back. If the log already holds a sequence at or above it, either this row's
 * event got there before a crash (an entry above the column names the row: done), or the log is ahead
 * of the column (a queue numbered by Redis before this column existed): the column is moved up
 * to the log's last and the append tried once more. The column only ever moves up, and the
 * log refuses any number twice.
 */
async function appendOnce(tx: Db, events: EventLog, queueId: string, event: SerializedJson, outboxId: string, sequence: number): Promise<EventLogEntry | null> {
  const stream = queueEventStream(queueId);
  try {
    return await events.append(stream, event, sequence);
  } catch (error) {
    if (!(error instanceof SequenceNotAboveError)) throw error;
    const appended = await appendedBefore(events, stream, sequence, outboxId);
    if (appended !== null) {
      await setSequence(tx, queueId, appended);
      return null;
    }
    return await events.append(stream, event, await bumpSequence(tx, queueId, error.last));
  }
}

/**
 * The sequence under which this row's event is in the log already (a relay appended it, then
 * died or rolled back before its commit; a batch may have appended several rows so), or null.
 * Only the entries at and above the refused sequence can be it: they are the ones a commit
 * never counted.
 */
async function appendedBefore(events: EventLog, stream: string, from: number, outboxId: string): Promise<number | null> {
  const entries = await events.readAfter(stream, from - 1).catch(async () => {
    const latest = await events.latest(stream);
    return latest ? [latest] : [];
  });
  const mine = entries.find((entry) => (entry.data as QueueEventData | undefined)?.change?.outboxId === outboxId);
  return mine ? mine.sequence : null;
}

async function bumpSequence(tx: Db, queueId: string, atLeast: number): Promise<number> {
  const [row] = await tx.$queryRaw<{ sequence: number }[]>`
    UPDATE "Queue" SET "lastEventSequence" = GREATEST("lastEventSequence", ${atLeast}::int) + 1
    WHERE id = ${queueId}::uuid RETURNING "lastEventSequence" AS sequence`;
  if (!row) throw new Error(`Queue ${queueId} is gone: no event sequence to issue.`);
  return row.sequence;
}

async function setSequence(tx: Db, queueId: string, sequence: number): Promise<void> {
  await tx.$executeRaw`UPDATE "Queue" SET "lastEventSequence" = GREATEST("lastEventSequence", ${sequence}::int) WHERE id = ${queueId}::uuid`;
}

/** Rows left by a process that died between its commit and its relay are relayed by any replica. */
export const staleAfterMs = 2_000;

export function createStaleRelayTask(runtime: ServiceRuntime, publisher: QueueEventPublisher): BackgroundTask {
  const task = createTimerTask({
    name: 'outbox relay',
    intervalMs: runtime.config.subscriptions.outboxSweepIntervalMs,
    logger: runtime.logger,
    run: () => publisher.relayStale(staleAfterMs),
  });
  return {
    // At start too: a replica that restarts after a crash hands on what it left at once.
    start: () => {
      task.start();
      void publisher.relayStale(0).catch((error: unknown) => runtime.logger.error({ err: error }, 'outbox relay failed'));
    },
    stop: () => task.stop(),
  };
}
