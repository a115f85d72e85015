import { randomUUID } from 'node:crypto';
import { Queue as BullQueue, type Job } from 'bullmq';
import IORedis from 'ioredis';
import { queueJobId, type JobQueue } from '@waitlessq/jobs';
import { createEventLog, type EventLog, type EventLogEntry } from '@waitlessq/redis';
import { ok, testRedisUrl, type SeededTenant } from '@waitlessq/testkit';
import { startQueueHarness, type QueueHarness } from '../test-support/harness';
import { createQueueOp } from '../test-support/operations';
import { createQueueEventPublisher, queueEventStream, type QueueEventData } from './index';

// The relay dies after its append reached Redis but before its COMMIT (simulated: the jobs of
// the row fail to be added, so the transaction rolls back with the event already in the log).
// The rows stay; the next relay must append nothing twice, skip no sequence, and add each job
// once. The kill -9 of a whole process between commit and relay is e2e/outbox.e2e.test.ts.

let harness: QueueHarness;
let tenant: SeededTenant;
let log: EventLog;
let prefix: string;
let connection: IORedis;
let bull: Record<'notifications' | 'webhooks', BullQueue>;

beforeAll(async () => {
  // A key prefix of this suite's own: its jobs are the only ones in these BullMQ queues.
  harness = await startQueueHarness((db) => ({ REDIS_KEY_PREFIX: `it:${db.name}:` }));
  prefix = harness.runtime.config.redis.keyPrefix;
  tenant = await harness.createTenant();
  log = createEventLog(harness.runtime.redis, { retentionMs: 60_000 });
  connection = new IORedis(testRedisUrl, { maxRetriesPerRequest: null });
  bull = {
    notifications: new BullQueue('notifications', { connection, prefix: `${prefix}jobs` }),
    webhooks: new BullQueue('webhooks', { connection, prefix: `${prefix}jobs` }),
  };
});
afterAll(async () => {
  await Promise.all(Object.values(bull ?? {}).map((queue) => queue.close()));
  connection?.disconnect();
  await harness?.close();
});

const newQueue = async () =>
  ok(await harness.call<{ createQueue: { id: string } }>(tenant.staff('MANAGER'), createQueueOp, { input: { businessId: tenant.businessId, name: 'Desk' } }))
    .createQueue.id;
const lastIssued = async (queueId: string) =>
  Number((await harness.prisma.queue.findUniqueOrThrow({ where: { id: queueId }, select: { lastEventSequence: true } })).lastEventSequence);
const outboxRows = (queueId: string) =>
  harness.prisma.$queryRaw<{ id: string; kind: string; visitIds: string[] }[]>`
    SELECT "id"::text AS "id", "kind", "visitIds" FROM "OutboxEvent" WHERE "queueId" = ${queueId}::uuid ORDER BY "id"`;

/**
 * A walk-in's join as joinQueue commits it (the visit and its history event in one
 * transaction; the trigger writes the outbox row), without the relay the mutation runs after.
 */
async function commitJoin(queueId: string): Promise<string> {
  const id = randomUUID();
  const at = new Date();
  await harness.prisma.$transaction([
    harness.prisma.visit.create({
      data: {
        id,
        organizationId: tenant.organizationId,
        queueId,
        businessId: tenant.businessId,
        customerName: `Walk-in ${id.slice(0, 4)}`,
        status: 'WAITING',
        joinedAt: at,
        lineAt: at,
      },
    }),
    harness.prisma.visitEvent.create({
      data: { visitId: id, organizationId: tenant.organizationId, queueId, fromStatus: null, toStatus: 'WAITING', actorKind: 'anonymous', at },
    }),
  ]);
  return id;
}

/** Jobs whose append went through but whose add fails: the relay's transaction rolls back after Redis has the event. */
const failingJobs = (): JobQueue & { attempts: number } => {
  const jobs = {
    attempts: 0,
    add: async () => {
      jobs.attempts += 1;
      throw new Error('the job queue is down');
    },
    addBulk: async () => jobs.add(),
    close: async () => undefined,
  };
  return jobs;
};

const changeOf = (entry: EventLogEntry) => (entry.data as QueueEventData).change;

/** Every job of a BullMQ queue, whatever its state. */
const allJobs = async (queue: BullQueue): Promise<Job[]> =>
  (await queue.getJobs(['wait', 'prioritized', 'active', 'delayed', 'completed', 'failed', 'waiting-children'], 0, -1)).filter(Boolean);

describe('a relay that appended but did not commit', () => {
  it('leaves its row; the next relay appends nothing twice, skips no sequence, and adds the jobs once', async () => {
    const queueId = await newQueue();
    const stream = queueEventStream(queueId);
    const base = await lastIssued(queueId);
    const live: EventLogEntry[] = [];
    const stop = await log.subscribe(stream, (entry) => live.push(entry));
    try {
      const visitId = await commitJoin(queueId);
      const [row] = await outboxRows(queueId);
      expect(row).toMatchObject({ kind: 'JOINED', visitIds: [visitId] });

      const broken = failingJobs();
      await createQueueEventPublisher(harness.runtime, { log, jobs: broken }).relay(queueId);
      expect(broken.attempts).toBeGreaterThan(0);
      // Redis has the event; PostgreSQL rolled back: the row and the sequence are as before.
      expect((await log.readAfter(stream, base)).map((entry) => [entry.sequence, changeOf(entry).outboxId])).toEqual([[base + 1, row.id]]);
      expect(await lastIssued(queueId)).toBe(base);
      expect(await outboxRows(queueId)).toEqual([row]);

      // The next relay, with a working job queue (BullMQ on Redis).
      await createQueueEventPublisher(harness.runtime, { log }).relay(queueId);
      const entries = await log.readAfter(stream, base);
      expect(entries.map((entry) => [entry.sequence, changeOf(entry).kind, changeOf(entry).outboxId])).toEqual([[base + 1, 'JOINED', row.id]]);
      expect(await lastIssued(queueId)).toBe(base + 1);
      expect(await outboxRows(queueId)).toEqual([]);

      const notifications = (await allJobs(bull.notifications)).filter((job) => job.data.visitId === visitId);
      expect(notifications.map((job) => [job.name, job.id, job.data.kind])).toEqual([['notify-visit', queueJobId(`notify-visit:${visitId}:JOINED`), 'JOINED']]);
      const webhooks = (await allJobs(bull.webhooks)).filter((job) => job.data.data?.queueId === queueId);
      expect(webhooks.map((job) => [job.name, job.id, job.data.type, job.data.data.visit.id])).toEqual([
        ['webhook-event', queueJobId(`webhook-event:msg_${queueId}_${row.id}`), 'visit.joined', visitId],
      ]);

      // The next change takes the next number: nothing skipped, nothing repeated.
      const next = await commitJoin(queueId);
      await createQueueEventPublisher(harness.runtime, { log }).relay(queueId);
      expect((await log.readAfter(stream, base)).map((entry) => [entry.sequence, changeOf(entry).visitIds])).toEqual([
        [base + 1, [visitId]],
        [base + 2, [next]],
      ]);
      // Subscribers heard the crashed relay's append, and nothing more of that row.
      await waitFor(() => live.length >= 2);
      expect(live.map((entry) => entry.sequence)).toEqual([base + 1, base + 2]);
    } finally {
      stop();
    }
  });

  // Before the fix, the repeat of an append was recognized only when it was the log's latest
  // entry: a batch that appended two rows and then rolled back was appended again, above.
  it('leaves several rows of one batch; the next relay appends none of the appended ones again', async () => {
    const queueId = await newQueue();
    const stream = queueEventStream(queueId);
    const base = await lastIssued(queueId);
    const first = await commitJoin(queueId);
    const second = await commitJoin(queueId);
    const rows = await outboxRows(queueId);
    expect(rows.map((row) => row.visitIds)).toEqual([[first], [second]]);

    // Both rows' events reach Redis; the second row's "joined" job fails, so the batch rolls back.
    const real = harness.runtime.jobs.queue;
    let added = 0;
    const failsOnSecondRow: JobQueue = {
      add: async (name, data, options) => {
        const notify = data as { visitId?: string; kind?: string };
        if (name === 'notify-visit' && notify.visitId === second && notify.kind === 'JOINED') throw new Error('the job queue is down');
        added += 1;
        await real.add(name, data, options);
      },
      addBulk: async (jobs) => {
        for (const job of jobs) await failsOnSecondRow.add(job.name, job.data, job.options);
      },
      close: async () => undefined,
    };
    await createQueueEventPublisher(harness.runtime, { log, jobs: failsOnSecondRow }).relay(queueId);
    expect(added).toBeGreaterThan(0);
    expect((await log.readAfter(stream, base)).map((entry) => [entry.sequence, changeOf(entry).outboxId])).toEqual([
      [base + 1, rows[0].id],
      [base + 2, rows[1].id],
    ]);
    expect(await lastIssued(queueId)).toBe(base);

    await createQueueEventPublisher(harness.runtime, { log }).relay(queueId);
    expect(await outboxRows(queueId)).toEqual([]);
    expect((await log.readAfter(stream, base)).map((entry) => [entry.sequence, changeOf(entry).outboxId])).toEqual([
      [base + 1, rows[0].id],
      [base + 2, rows[1].id],
    ]);
    expect(await lastIssued(queueId)).toBe(base + 2);
  });
});

describe('relays asked for in a burst', () => {
  /** A publisher whose relay transactions are counted. */
  const countingPublisher = () => {
    const primary = harness.runtime.db.primary;
    const counted = { transactions: 0 };
    const db = new Proxy(primary, {
      get: (target, property, receiver) =>
        property === '$transaction'
          ? (...args: Parameters<typeof primary.$transaction>) => {
              counted.transactions += 1;
              return (target.$transaction as (...a: typeof args) => unknown)(...args);
            }
          : Reflect.get(target, property, receiver),
    });
    const runtime = { ...harness.runtime, db: { ...harness.runtime.db, primary: db } };
    return { publisher: createQueueEventPublisher(runtime, { log }), counted };
  };

  it('share the relay that has not started yet: one transaction for the burst, every row relayed in order', async () => {
    const queueId = await newQueue();
    const stream = queueEventStream(queueId);
    const base = await lastIssued(queueId);
    const visits = [await commitJoin(queueId), await commitJoin(queueId), await commitJoin(queueId)];
    const { publisher, counted } = countingPublisher();
    // As five joins' mutations ask, each after its own commit, before any relay has begun.
    await Promise.all(visits.concat(visits.slice(0, 2)).map(() => publisher.relay(queueId)));
    expect(counted.transactions).toBe(1);
    expect(await outboxRows(queueId)).toEqual([]);
    expect((await log.readAfter(stream, base)).map((entry) => [entry.sequence, changeOf(entry).visitIds])).toEqual(
      visits.map((visitId, index) => [base + index + 1, [visitId]]),
    );
  });

  it('a relay asked for once one has begun runs after it, and takes the rows committed since', async () => {
    const queueId = await newQueue();
    const stream = queueEventStream(queueId);
    const base = await lastIssued(queueId);
    const first = await commitJoin(queueId);
    const { publisher, counted } = countingPublisher();
    const running = publisher.relay(queueId);
    await new Promise((resolve) => setImmediate(resolve));
    expect(counted.transactions).toBe(1);
    const second = await commitJoin(queueId);
    await Promise.all([running, publisher.relay(queueId)]);
    expect(counted.transactions).toBe(2);
    expect(await outboxRows(queueId)).toEqual([]);
    expect((await log.readAfter(stream, base)).map((entry) => changeOf(entry).visitIds)).toEqual([[first], [second]]);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
