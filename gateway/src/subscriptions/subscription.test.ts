import { randomUUID } from 'node:crypto';
import { parse, type FieldNode, type OperationDefinitionNode } from 'graphql';
import { createLogger } from '@waitlessq/observability';
import { createEventLog, createRedis, type EventLog, type EventLogEntry } from '@waitlessq/redis';
import type { Caller } from './caller';
import { queueEventStream } from './events';
import type { PayloadExecutor } from './payloads';
import type { PlannedSubscription } from './planner';
import { createQueueFeeds, type QueueFeeds } from './queue-feeds';
import { startSubscription } from './subscription';

// The ordering guarantees of one subscription, over the in-memory log (the same contract as
// Redis, see packages/redis event-log.int.test.ts): replay then live without gaps or
// duplicates, gaps in live delivery filled from the log, refusals before anything is sent.

const logger = createLogger('test', 'silent');
const queueId = randomUUID();
const visitId = randomUUID();
const stream = queueEventStream(queueId);

type SubscriptionField = 'queueUpdated' | 'visitUpdated';

/** An event of a queue where `waiting` visits wait (the watched visit first), after `kind`, as the queue subgraph publishes it. */
function eventData(kind: string, waiting: number, status: 'OPEN' | 'PAUSED' = 'OPEN') {
  const at = '2026-01-15T09:00:00.000';
  const visits = Array.from({ length: waiting }, (_, i): Record<string, unknown> => ({
    id: i === 0 ? visitId : `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    status: 'WAITING',
    priority: 0,
    joinedAt: `2026-01-15T09:00:0${i}.000`,
    ticketNumber: i + 1,
    expectedServiceMinutes: 10,
    queueId,
    createdAt: at,
    updatedAt: at,
  }));
  return {
    queueId,
    organizationId: randomUUID(),
    change: { kind, visitIds: [] },
    snapshot: {
      queue: { id: queueId, status, countersOpen: 1, businessId: randomUUID(), createdAt: at, updatedAt: at } as never,
      // The gateway reads only the queue and the change; the rest is the queue subgraph's.
      visits,
      serviceTimes: {},
      appointmentIds: [],
    },
  };
}

function planned(field: SubscriptionField, afterSequenceVariable = true): PlannedSubscription {
  const document = parse(
    `subscription($a: Int) { ${field}(${field === 'visitUpdated' ? 'visitId' : 'queueId'}: "x", afterSequence: ${afterSequenceVariable ? '$a' : 'null'}) { sequence } }`,
  );
  const operation = document.definitions[0] as OperationDefinitionNode;
  return { key: field, document, operation, field, rootField: operation.selectionSet.selections[0] as FieldNode, local: true } as PlannedSubscription;
}

/** The sequences the publisher (PostgreSQL in production) gives each log's stream: 1, 2, 3... */
const issued = new Map<EventLog, number>();
function record(to: EventLog, data: ReturnType<typeof eventData>, sequence = (issued.get(to) ?? 0) + 1): Promise<EventLogEntry> {
  issued.set(to, sequence);
  return to.append(stream, data, sequence);
}

const caller: Caller = { identity: { kind: 'anonymous' }, key: 'anonymous', signedIdentity: async () => 'signed' };
/**
 * Payloads that say which event they are for, and why: the queue subgraph's answers for these
 * events (it decides relevance, see its events/subscription-payloads.int.test.ts), here a pause
 * being the only change that concerns the watched visit, and nothing for a join behind it.
 */
const payloads: PayloadExecutor = {
  run: async ({ planned, event, previous }) => {
    if (planned.field === 'queueUpdated') return { result: { data: { sequence: event.sequence, reasons: [] } }, ends: false };
    const reasons = previous && (event.data as { change: { kind: string } }).change.kind === 'QUEUE_PAUSED' ? ['QUEUE_STATUS_CHANGED'] : [];
    return reasons.length > 0 ? { result: { data: { sequence: event.sequence, reasons } }, ends: false } : null;
  },
};

let log: EventLog;
let feeds: QueueFeeds;
beforeEach(() => {
  log = createEventLog(createRedis({ kind: 'memory', keyPrefix: '' }), { retentionMs: 60_000 });
  feeds = createQueueFeeds(log, logger);
});
afterEach(() => feeds.close());

const start = (field: SubscriptionField, afterSequence?: number, dependencies = { log, feeds, payloads }, finished = false) =>
  startSubscription(
    dependencies,
    {
      planned: planned(field),
      variables: { a: afterSequence },
      args: { afterSequence, visitId },
      caller,
      target: { queueId, finished },
      requestId: 'test',
      logger,
    },
    () => undefined,
  );
async function take(iterator: AsyncIterator<unknown>, count: number): Promise<unknown[]> {
  const values = [];
  for (let i = 0; i < count; i++) values.push((await iterator.next()).value);
  return values;
}
const sequences = (values: unknown[]) => values.map((value) => (value as { data: { sequence: number } }).data.sequence);

describe('a subscription', () => {
  it('streams live events in order from the moment it starts', async () => {
    await record(log, eventData('JOINED', 1));
    const events = await start('queueUpdated');
    for (let i = 2; i <= 4; i++) await record(log, eventData('JOINED', i));
    expect(sequences(await take(events, 3))).toEqual([2, 3, 4]);
    await events.return!();
  });

  it('replays what it missed, then goes on live, without a gap or a duplicate while both happen at once', async () => {
    for (let i = 1; i <= 5; i++) await record(log, eventData('JOINED', i));
    // Events keep coming while the replay is read: 6 reaches both the log read and the live
    // buffer, 7 only the live buffer.
    const slowLog: EventLog = {
      ...log,
      readAfter: async (name, after) => {
        await record(log, eventData('JOINED', 6));
        const entries = await log.readAfter(name, after);
        await record(log, eventData('JOINED', 7));
        return entries;
      },
    };
    const events = await start('queueUpdated', 2, { log: slowLog, feeds, payloads });
    await record(log, eventData('JOINED', 8));
    expect(sequences(await take(events, 6))).toEqual([3, 4, 5, 6, 7, 8]);
    await events.return!();
  });

  it('fills a gap in live delivery from the log (a message lost while Redis reconnected)', async () => {
    const lossy: EventLog = {
      ...log,
      subscribe: (name, onEntry) => log.subscribe(name, (entry: EventLogEntry) => entry.sequence !== 2 && onEntry(entry)),
    };
    const lossyFeeds = createQueueFeeds(lossy, logger);
    const events = await start('queueUpdated', undefined, { log: lossy, feeds: lossyFeeds, payloads });
    for (let i = 1; i <= 3; i++) await record(log, eventData('JOINED', i));
    expect(sequences(await take(events, 3))).toEqual([1, 2, 3]);
    await events.return!();
    lossyFeeds.close();
  });

  it('refuses a sequence older than the log, and one the queue never reached', async () => {
    const shortLog = createEventLog(createRedis({ kind: 'memory', keyPrefix: '' }), { retentionMs: 50 });
    for (let i = 1; i <= 3; i++) await record(shortLog, eventData('JOINED', i));
    await new Promise((resolve) => setTimeout(resolve, 80));
    await record(shortLog, eventData('JOINED', 4));
    const shortFeeds = createQueueFeeds(shortLog, logger);
    const dependencies = { log: shortLog, feeds: shortFeeds, payloads };
    await expect(start('queueUpdated', 1, dependencies)).rejects.toMatchObject({ code: 'SEQUENCE_TOO_OLD', details: { afterSequence: 1, oldestKept: 4 } });
    await expect(start('queueUpdated', 5, dependencies)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(start('queueUpdated', -1, dependencies)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    // Resuming from the latest sequence is fine: nothing was missed.
    const events = await start('queueUpdated', 4, dependencies);
    await record(shortLog, eventData('JOINED', 5));
    expect(sequences(await take(events, 1))).toEqual([5]);
    await events.return!();
    shortFeeds.close();
  });
});

describe('a Redis that is down', () => {
  it('answers a resume with SERVICE_UNAVAILABLE (retry with the same afterSequence), not an internal error', async () => {
    const down: EventLog = {
      ...log,
      readAfter: async () => {
        throw new Error("Stream isn't writeable and enableOfflineQueue options is false");
      },
    };
    await expect(start('queueUpdated', 3, { log: down, feeds, payloads })).rejects.toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      details: { afterSequence: 3 },
    });
  });
});

describe('a Redis that lost events (restarted from an old snapshot)', () => {
  it('passes the newer event on to live subscribers (it carries the whole queue), and a resume across the hole is too old', async () => {
    const events = await start('queueUpdated');
    for (let i = 1; i <= 2; i++) await record(log, eventData('JOINED', i));
    expect(sequences(await take(events, 2))).toEqual([1, 2]);
    // 3 and 4 were issued by PostgreSQL and lost with Redis; the numbering goes on above them.
    await record(log, eventData('JOINED', 5), 5);
    await record(log, eventData('JOINED', 6));
    expect(sequences(await take(events, 2))).toEqual([5, 6]);
    await events.return!();

    await expect(start('queueUpdated', 2)).rejects.toMatchObject({ code: 'SEQUENCE_TOO_OLD', details: { afterSequence: 2, oldestKept: 5 } });
    const resumed = await start('queueUpdated', 5);
    expect(sequences(await take(resumed, 1))).toEqual([6]);
    await resumed.return!();
  });
});

describe('a visit subscription', () => {
  it('is sent only the events that change something for its visit, compared with the one before', async () => {
    await record(log, eventData('JOINED', 1));
    const events = await start('visitUpdated', 1);
    await record(log, eventData('JOINED', 2)); // someone joined behind: nothing changes
    await record(log, eventData('QUEUE_PAUSED', 2, 'PAUSED'));
    const [paused] = await take(events, 1);
    expect(paused).toEqual({ data: { sequence: 3, reasons: ['QUEUE_STATUS_CHANGED'] } });
    await events.return!();
  });

  it('completes at once for a visit that had already ended', async () => {
    const events = await start('visitUpdated', undefined, { log, feeds, payloads }, true);
    expect(await events.next()).toEqual({ value: undefined, done: true });
  });
});

describe('queue feeds', () => {
  it('open one live subscription per queue however many subscribers, and close it with the last', async () => {
    let subscribed = 0;
    let unsubscribed = 0;
    const counting: EventLog = {
      ...log,
      subscribe: async (name, onEntry) => {
        subscribed += 1;
        const stop = await log.subscribe(name, onEntry);
        return () => {
          unsubscribed += 1;
          stop();
        };
      },
    };
    const countingFeeds = createQueueFeeds(counting, logger);
    const dependencies = { log: counting, feeds: countingFeeds, payloads };
    const all = await Promise.all(Array.from({ length: 5 }, () => start('queueUpdated', undefined, dependencies)));
    expect([subscribed, countingFeeds.size]).toEqual([1, 1]);
    for (const events of all.slice(1)) await events.return!();
    expect(unsubscribed).toBe(0);
    await all[0].return!();
    expect([unsubscribed, countingFeeds.size]).toEqual([1, 0]);
  });
});
