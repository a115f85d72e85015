import { currentRequestScope } from '@waitlessq/database';
import { createEventLog, SequenceNotAboveError, SerializedJson, type EventLog } from '@waitlessq/redis';
import type { ServiceRuntime } from '@waitlessq/subgraph-kit';
import { latestEstimateChanges, writeLatestEstimates } from './latest-estimates';
import { queueEventStream, type QueueChange } from './queue-event';
import { readQueueEvent } from './snapshot';
import type { Db } from '../visits/line';

export interface QueueEventPublisher {
  /**
   * Records the queue as it is after a committed change and publishes it to every gateway.
   * Never throws: the change is committed whatever happens here (a lost event is noticed by
   * subscribers as a changed state in the next one).
   */
  publish(queueId: string, change: QueueChange): Promise<void>;
}

/** Namespaces our advisory locks (the first key of the two-key form): "QEVT". */
const lockNamespace = 0x51455654;

/**
 * One publisher per queue at a time, across every replica: the snapshot is read and appended
 * under a transaction-scoped advisory lock of the queue, so the log's order is the order in
 * which the snapshots were read and a later sequence never shows an older line. The snapshot
 * is the one database read of a change (the lock and BEGIN/COMMIT read nothing). From it the
 * latest estimate of every waiting visit is computed in memory and the changed ones written
 * in one statement, in the same transaction: each visit's latestEstimateMinutes is what the
 * event shows it (events/revive.ts gives the event's waiting visits the same values). It runs
 * on the primary: a replica may not have the change yet.
 *
 * The event's sequence is issued here too (appendNext), so it is PostgreSQL that numbers a
 * queue's events: they never go back nor repeat whatever happens to Redis.
 */
export function createQueueEventPublisher(runtime: ServiceRuntime, log?: EventLog): QueueEventPublisher {
  const events = log ?? createEventLog(runtime.redis, { retentionMs: runtime.config.subscriptions.eventRetentionMs });
  const publishNow = async (queueId: string, change: QueueChange): Promise<void> => {
    try {
      await runtime.db.primary.$transaction(
        async (tx) => {
          await tx.$executeRaw`SELECT pg_advisory_xact_lock(${lockNamespace}::int, hashtext(${queueId}))`;
          const read = await readQueueEvent(tx, queueId, change);
          if (read === null) return;
          await writeLatestEstimates(tx, queueId, latestEstimateChanges(read.line));
          await appendNext(tx, events, queueId, new SerializedJson(read.event));
        },
        // Hundreds may join one queue in the same second: their publishers wait in turn.
        { maxWait: 10_000, timeout: 10_000 },
      );
    } catch (error) {
      runtime.logger.error({ err: error, requestId: currentRequestScope()?.requestId, queueId, change: change.kind }, 'could not publish a queue event');
    }
  };
  // Publishes of one queue from this process wait their turn here, in memory, rather than each
  // holding a pool connection while it waits for the queue's advisory lock: a burst of joins
  // then spends one connection on its events, and the reads that answer the joins find one.
  const inFlight = new Map<string, Promise<void>>();
  return {
    publish(queueId, change) {
      const published = (inFlight.get(queueId) ?? Promise.resolve()).then(() => publishNow(queueId, change));
      inFlight.set(queueId, published);
      void published.then(() => inFlight.get(queueId) === published && inFlight.delete(queueId));
      return published;
    },
  };
}

/**
 * Bumps the queue's lastEventSequence in the publisher's transaction (which holds the queue's
 * lock) and appends the event under it. If the append fails the transaction rolls back and the
 * number is given back. If the log already holds a sequence at or above it (a queue numbered by
 * Redis before this column existed, or an append that reached Redis while its COMMIT failed),
 * the column is moved up to the log's last and the append tried once more: the column only
 * ever moves up, and the log refuses any number twice.
 */
async function appendNext(tx: Db, events: EventLog, queueId: string, event: SerializedJson): Promise<void> {
  const stream = queueEventStream(queueId);
  const sequence = await bumpSequence(tx, queueId, 0);
  try {
    await events.append(stream, event, sequence);
  } catch (error) {
    if (!(error instanceof SequenceNotAboveError)) throw error;
    await events.append(stream, event, await bumpSequence(tx, queueId, error.last));
  }
}

async function bumpSequence(tx: Db, queueId: string, atLeast: number): Promise<number> {
  const [row] = await tx.$queryRaw<{ sequence: number }[]>`
    UPDATE "Queue" SET "lastEventSequence" = GREATEST("lastEventSequence", ${atLeast}::int) + 1
    WHERE id = ${queueId}::uuid RETURNING "lastEventSequence" AS sequence`;
  if (!row) throw new Error(`Queue ${queueId} is gone: no event sequence to issue.`);
  return row.sequence;
}
