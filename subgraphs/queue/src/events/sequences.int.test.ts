import { createEventLog, createRedis, SequenceAheadError, SequenceTooOldError, type EventLog, type EventLogEntry, type RedisResources } from '@waitlessq/redis';
import { createPrivateRedis, ok, type PrivateRedis, type SeededTenant } from '@waitlessq/testkit';
import { startQueueHarness, type QueueHarness } from '../test-support/harness';
import { createQueueOp } from '../test-support/operations';
import { createQueueEventPublisher, queueEventStream, type QueueChange } from './index';

// Sequences come from PostgreSQL (Queue.lastEventSequence, bumped in the publisher's
// transaction), so whatever happens to Redis they never go back and never repeat.

let harness: QueueHarness;
let tenant: SeededTenant;

beforeAll(async () => {
  harness = await startQueueHarness();
  tenant = await harness.createTenant({ serviceMinutes: [15] });
});
afterAll(() => harness?.close());

const newQueue = async () =>
  ok(await harness.call<{ createQueue: { id: string } }>(tenant.staff('MANAGER'), createQueueOp, { input: { businessId: tenant.businessId, name: 'Desk' } }))
    .createQueue.id;
const lastIssued = async (queueId: string) =>
  Number((await harness.prisma.queue.findUniqueOrThrow({ where: { id: queueId }, select: { lastEventSequence: true } })).lastEventSequence);
const sequences = (entries: EventLogEntry[]) => entries.map((entry) => entry.sequence);
const touched: QueueChange = { kind: 'QUEUE_UPDATED', visitIds: [] };

describe('sequences issued by PostgreSQL', () => {
  let log: EventLog;
  beforeAll(() => {
    log = createEventLog(harness.runtime.redis, { retentionMs: 60_000 });
  });

  it("are the queue's lastEventSequence, one per event recorded", async () => {
    const queueId = await newQueue();
    const base = await lastIssued(queueId);
    const publisher = createQueueEventPublisher(harness.runtime, { log });
    for (let i = 0; i < 3; i++) await publisher.publish(queueId, touched);
    expect(await lastIssued(queueId)).toBe(base + 3);
    expect(sequences(await log.readAfter(queueEventStream(queueId), base))).toEqual([base + 1, base + 2, base + 3]);
  });

  it('are given back when the append fails (the transaction rolls back), and never issued twice; the change waits in the outbox', async () => {
    const queueId = await newQueue();
    const publisher = createQueueEventPublisher(harness.runtime, { log });
    await publisher.publish(queueId, touched);
    const before = await lastIssued(queueId);

    const gone = createRedis({ kind: 'redis', url: 'redis://127.0.0.1:1', keyPrefix: 'nowhere:', commandTimeoutMs: 100 });
    try {
      await createQueueEventPublisher(harness.runtime, { log: createEventLog(gone, { retentionMs: 60_000 }) }).publish(queueId, touched);
    } finally {
      await gone.close();
    }
    expect(await lastIssued(queueId)).toBe(before);
    expect(await harness.prisma.outboxEvent.count({ where: { queueId } })).toBe(1);

    // The next relay hands on the change that failed, then the new one: nothing was lost.
    await publisher.publish(queueId, touched);
    expect(sequences(await log.readAfter(queueEventStream(queueId), before))).toEqual([before + 1, before + 2]);
    expect(await harness.prisma.outboxEvent.count({ where: { queueId } })).toBe(0);
  });

  it('continue above the Redis counter of a queue numbered by Redis before (and above any the log holds)', async () => {
    const queueId = await newQueue();
    const stream = queueEventStream(queueId);
    // What the INCR counter of the old event log left: the queue's last sequence was 650.
    await harness.runtime.redis.client!.set(`events:${stream}:sequence`, '650');
    await harness.prisma.queue.update({ where: { id: queueId }, data: { lastEventSequence: 0 } });

    await createQueueEventPublisher(harness.runtime, { log }).publish(queueId, touched);
    expect(await lastIssued(queueId)).toBe(651);
    expect(sequences(await log.readAfter(stream, 650))).toEqual([651]);
  });
});

describe('a Redis that crashes', () => {
  let redis: PrivateRedis;
  let resources: RedisResources;
  beforeAll(async () => {
    redis = await createPrivateRedis();
    await redis.start();
    resources = createRedis({ kind: 'redis', url: redis.url, keyPrefix: 'crash:' });
  });
  afterAll(async () => {
    await resources?.close();
    await redis?.remove();
  });
  // Live delivery is pub/sub: an event published before the subscriber's connection has
  // subscribed again after the restart is in the log but reaches no one live (the gateway's
  // feed reads such gaps from the log; this test watches the bare subscription). So publish
  // only once Redis counts the subscriber on the stream's channel again.
  const subscribedAgain = async (stream: string): Promise<boolean> => {
    try {
      const [, subscribers] = (await resources.client!.pubsub('NUMSUB', `crash:events:${stream}`)) as [string, number];
      return subscribers > 0;
    } catch {
      return false; // not connected again yet
    }
  };

  it('numbers on above every sequence issued, keeps live subscribers receiving, and answers a resume across the loss as too old', async () => {
    const queueId = await newQueue();
    const stream = queueEventStream(queueId);
    const log = createEventLog(resources, { retentionMs: 60_000 });
    const publisher = createQueueEventPublisher(harness.runtime, { log });
    const base = await lastIssued(queueId);
    const live: EventLogEntry[] = [];
    const stop = await log.subscribe(stream, (entry) => live.push(entry));

    for (let i = 0; i < 3; i++) await publisher.publish(queueId, touched);
    await waitFor(() => live.length === 3);

    // The worst "old snapshot": everything Redis held is gone.
    await redis.crash();
    redis.forgetSnapshot();
    await redis.start();
    // Publishes fail (and give their number back) until the clients are connected again.
    const deadline = Date.now() + 15_000;
    while (live.length < 5 && Date.now() < deadline) {
      if (await subscribedAgain(stream)) await publisher.publish(queueId, touched);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    stop();

    expect(sequences(live)).toEqual([base + 1, base + 2, base + 3, base + 4, base + 5]);
    expect(await lastIssued(queueId)).toBe(base + 5);
    // The new Redis holds only what came after the crash: a resume from before it is told so.
    await expect(log.readAfter(stream, base + 1)).rejects.toBeInstanceOf(SequenceTooOldError);
    await expect(log.readAfter(stream, base + 1)).rejects.toMatchObject({ oldestKept: base + 4 });
    expect(sequences(await log.readAfter(stream, base + 3))).toEqual([base + 4, base + 5]);
  });

  it('restarted from an old snapshot: a resume from after the snapshot is too old (never "ahead"), and numbering goes on above', async () => {
    const queueId = await newQueue();
    const stream = queueEventStream(queueId);
    const log = createEventLog(resources, { retentionMs: 60_000 });
    const publisher = createQueueEventPublisher(harness.runtime, { log });
    const base = await lastIssued(queueId);
    const live: EventLogEntry[] = [];
    const stop = await log.subscribe(stream, (entry) => live.push(entry));
    for (let i = 0; i < 2; i++) await publisher.publish(queueId, touched);
    await resources.client!.save();
    for (let i = 0; i < 2; i++) await publisher.publish(queueId, touched);
    await waitFor(() => live.length === 4);

    await redis.crash();
    await redis.start();
    // The snapshot's last is base + 2; base + 3 and base + 4 were delivered, then lost.
    await expect(eventually(() => log.readAfter(stream, base + 4))).rejects.toMatchObject({ name: 'SequenceTooOldError', afterSequence: base + 4 });

    const deadline = Date.now() + 15_000;
    while (live.length < 5 && Date.now() < deadline) {
      if (await subscribedAgain(stream)) await publisher.publish(queueId, touched);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    stop();
    expect(sequences(live)).toEqual([base + 1, base + 2, base + 3, base + 4, base + 5]);
    expect(sequences(await log.readAfter(stream, base + 4))).toEqual([base + 5]);
    await expect(log.readAfter(stream, base + 1)).rejects.toMatchObject({ name: 'SequenceTooOldError', oldestKept: base + 5 });
    // Once this Redis wrote the last sequence itself, one beyond it is ahead again.
    await expect(log.readAfter(stream, base + 9)).rejects.toBeInstanceOf(SequenceAheadError);
  });
});

/** `read`'s answer once Redis is reachable again (connection errors are retried for a while). */
async function eventually<T>(read: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await read();
    } catch (error) {
      if (error instanceof SequenceTooOldError || error instanceof SequenceAheadError || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
