import { randomUUID } from 'node:crypto';
import { createLogger } from '@waitlessq/observability';
import { createEventLog, createRedis, type EventLog, type RedisResources } from '@waitlessq/redis';
import { createPrivateRedis, type PrivateRedis } from '@waitlessq/testkit';
import { queueEventStream } from './events';
import { createQueueFeeds, type QueueFeeds } from './queue-feeds';

// A gateway's feed over a real Redis of the test's own, which crashes and comes back empty.
// Sequences are issued by PostgreSQL (the publisher), so after the restart they go on above
// the ones delivered: the feed keeps delivering, and passes on an event after a hole.

const logger = createLogger('test', 'silent');
let redis: PrivateRedis;
let resources: RedisResources;
let log: EventLog;
let feeds: QueueFeeds;

beforeAll(async () => {
  redis = await createPrivateRedis();
  await redis.start();
  resources = createRedis({ kind: 'redis', url: redis.url, keyPrefix: 'feeds:' });
  log = createEventLog(resources, { retentionMs: 60_000 });
  feeds = createQueueFeeds(log, logger);
});
afterAll(async () => {
  feeds?.close();
  await resources?.close();
  await redis?.remove();
});

/** An event of a queue with nobody in line, as the queue subgraph publishes it. */
function eventData(queueId: string) {
  const at = '2026-01-15T09:00:00.000';
  return {
    queueId,
    organizationId: randomUUID(),
    change: { kind: 'QUEUE_UPDATED', visitIds: [] },
    snapshot: {
      queue: { id: queueId, status: 'OPEN', countersOpen: 1, businessId: randomUUID(), createdAt: at, updatedAt: at } as never,
      visits: [],
      serviceTimes: {},
      appointmentIds: [],
    },
  };
}

it('keeps delivering after Redis crashed and came back empty, and passes on the event after a hole', async () => {
  const queueId = randomUUID();
  const stream = queueEventStream(queueId);
  const feed = await feeds.acquire(queueId);
  const received: number[] = [];
  feed.listen((_previous, event) => received.push(event.sequence));
  for (const sequence of [1, 2, 3]) await log.append(stream, eventData(queueId), sequence);
  await waitFor(() => received.length === 3);

  await redis.crash();
  redis.forgetSnapshot();
  await redis.start();
  // The feed's subscriber connection comes back by itself; an event published before it has
  // subscribed again would only show with the next one, so wait until it listens.
  await eventually(async () => {
    const channels = (await resources.client!.pubsub('CHANNELS')) as string[];
    if (channels.length === 0) throw new Error('the feed does not listen yet');
  });
  // What the publisher does: retries fail (their numbers given back) until Redis answers.
  await eventually(() => log.append(stream, eventData(queueId), 4));
  await waitFor(() => received.length === 4);
  // 5 and 6 were issued and lost (say, with another crash): the log cannot fill the hole.
  await log.append(stream, eventData(queueId), 7);
  await waitFor(() => received.length === 5);
  expect(received).toEqual([1, 2, 3, 4, 7]);
  expect(feed.last?.sequence).toBe(7);
  feeds.release(feed);
});

async function eventually<T>(attempt: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function waitFor(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
