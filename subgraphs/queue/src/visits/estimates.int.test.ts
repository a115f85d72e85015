import type { PrismaClient } from '@waitlessq/database';
import { createEventLog, type EventLog } from '@waitlessq/redis';
import type { ServiceRuntime } from '@waitlessq/subgraph-kit';
import { anonymous, errorCode, ok, type SeededTenant } from '@waitlessq/testkit';
import { createQueueEventPublisher, queueEventOf, queueEventStream, type QueueEvent } from '../events';
import { startQueueHarness, type QueueHarness } from '../test-support/harness';
import { callNextOp, createQueueOp, estimateAccuracyOp, joinOp, queueOp, type VisitData } from '../test-support/operations';

// Several mutations and their events per test, on 2 cores shared with other suites.
jest.setTimeout(30_000);

let harness: QueueHarness;
let tenant: SeededTenant;
let log: EventLog;

beforeAll(async () => {
  harness = await startQueueHarness();
  // The first service takes 15 minutes: every visit ahead adds 15 to an estimate.
  tenant = await harness.createTenant({ serviceMinutes: [15] });
  log = createEventLog(harness.runtime.redis, { retentionMs: 60_000 });
});
afterAll(() => harness?.close());

const newQueue = async () =>
  ok(await harness.call<{ createQueue: { id: string } }>(tenant.staff('MANAGER'), createQueueOp, { input: { businessId: tenant.businessId, name: 'Desk' } }))
    .createQueue.id;
const join = async (queueId: string, name: string) =>
  ok(await harness.call<{ joinQueue: { visit: VisitData } }>(anonymous, joinOp, { input: { queueId, name, serviceId: tenant.serviceIds[0] } })).joinQueue.visit;
const latest = async (queueId: string) =>
  (await harness.prisma.visit.findMany({ where: { queueId, status: 'WAITING' }, orderBy: { lineAt: 'asc' } })).map((visit) => visit.latestEstimateMinutes);
const lastEvent = async (queueId: string): Promise<QueueEvent> => (await log.readAfter(queueEventStream(queueId), 0)).map(queueEventOf).at(-1)!;

/** A publisher whose primary records the operations it sends. */
function recordingPublisher(statements: string[]) {
  const primary = harness.runtime.db.primary.$extends({
    query: {
      async $allOperations({ operation, args, query }) {
        statements.push(operation);
        return query(args);
      },
    },
  }) as unknown as PrismaClient;
  const runtime: ServiceRuntime = { ...harness.runtime, db: { ...harness.runtime.db, primary } };
  return createQueueEventPublisher(runtime, { log });
}

describe('latest estimates', () => {
  it('are kept current for every waiting visit as the line moves, written in one statement per change', async () => {
    const queueId = await newQueue();
    for (const name of ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H']) await join(queueId, name);
    expect(await latest(queueId)).toEqual([0, 15, 30, 45, 60, 75, 90, 105]);

    ok(await harness.call(tenant.staff('STAFF'), callNextOp, { queueId }));
    expect(await latest(queueId)).toEqual([0, 15, 30, 45, 60, 75, 90]);

    // The head leaves behind the publisher's back; its next event moves the other six at once.
    const head = await harness.prisma.visit.findFirstOrThrow({ where: { queueId, status: 'WAITING' }, orderBy: { lineAt: 'asc' } });
    await harness.prisma.visit.update({ where: { id: head.id }, data: { status: 'CANCELLED' } });
    const statements: string[] = [];
    await recordingPublisher(statements).publish(queueId, { kind: 'CANCELLED', visitIds: [head.id] });
    // The change's outbox row (a trigger writes it for a real change); then the lock, the row
    // taken, the one read with the event's sequence (the event appended), then the one write of six estimates.
    expect(statements).toEqual(['$executeRaw', '$executeRaw', '$queryRaw', '$queryRaw', '$executeRaw']);
    expect(await latest(queueId)).toEqual([0, 15, 30, 45, 60, 75]);

    // The event shows each waiting visit the estimate just written.
    const event = await lastEvent(queueId);
    const rows = await harness.prisma.visit.findMany({ where: { queueId, status: 'WAITING' } });
    for (const row of rows) {
      expect(event.visits.get(row.id)?.latestEstimateMinutes).toBe(row.latestEstimateMinutes);
      expect(event.waits.get(row.id)?.estimatedWaitMinutes).toBe(row.latestEstimateMinutes);
    }

    // Nothing moved: no estimate is written (the row, the lock, the row taken, the read with its sequence).
    statements.length = 0;
    await recordingPublisher(statements).publish(queueId, { kind: 'QUEUE_UPDATED', visitIds: [] });
    expect(statements).toEqual(['$executeRaw', '$executeRaw', '$queryRaw', '$queryRaw']);
  });

  it('count booked appointments due before a visit entered the line, which take no position', async () => {
    const queueId = await newQueue();
    const now = Date.now();
    const appointment = (name: string, scheduledMinutes: number, deadlineMinutes: number | null) =>
      harness.prisma.visit.create({
        data: {
          organizationId: tenant.organizationId,
          queueId,
          businessId: tenant.businessId,
          customerName: name,
          kind: 'APPOINTMENT',
          status: 'BOOKED',
          scheduledAt: new Date(now + scheduledMinutes * 60_000),
          checkInDeadline: deadlineMinutes === null ? null : new Date(now + deadlineMinutes * 60_000),
          expectedServiceMinutes: 20,
        },
      });
    // Due two minutes ago and not yet checked in: it will stand ahead of whoever joins now.
    await appointment('Due', -2, 13);
    // Past its check-in deadline, or further ahead than the horizon: not expected. Due after the joins: behind them.
    await appointment('Missed', -30, -15);
    await appointment('Tomorrow', 13 * 60, 13 * 60 + 15);
    await appointment('Later', 60, null);

    const ada = await join(queueId, 'Ada');
    const ben = await join(queueId, 'Ben');
    expect([ada.firstEstimateMinutes, ben.firstEstimateMinutes]).toEqual([20, 35]);
    expect([ada.position, ben.position]).toEqual([1, 2]);

    // A query (the line loader) and the event agree, and the stored latest estimates with them.
    const queue = ok(
      await harness.call<{ queue: { waitingCount: number; waiting: { id: string; position: number; estimatedWaitMinutes: number }[] } }>(
        tenant.staff('STAFF'),
        queueOp,
        { id: queueId },
      ),
    ).queue;
    expect(queue.waitingCount).toBe(2);
    expect(queue.waiting.map((visit) => [visit.position, visit.estimatedWaitMinutes])).toEqual([
      [1, 20],
      [2, 35],
    ]);
    const event = await lastEvent(queueId);
    expect([event.waits.get(ada.id), event.waits.get(ben.id)]).toEqual([
      { position: 1, estimatedWaitMinutes: 20 },
      { position: 2, estimatedWaitMinutes: 35 },
    ]);
    // Expected in the line: Due, and Later (within the horizon, behind both).
    expect(event.line.appointments.map((place) => event.visits.get(place.id)?.customerName)).toEqual(['Due', 'Later']);
    expect(await latest(queueId)).toEqual([20, 35]);
  });
});

describe('Queue.estimateAccuracy', () => {
  type Accuracy = { meanAbsoluteErrorMinutes: number | null; meanAbsoluteErrorLatestMinutes: number | null; biasMinutes: number | null; samples: number };
  const accuracy = (queueId: string, last?: number, identity = tenant.staff('STAFF')) =>
    harness.call<{ queue: { estimateAccuracy: Accuracy } }>(identity, estimateAccuracyOp, { id: queueId, last });

  it('compares first and latest estimates with the actual waits of the last called visits', async () => {
    const queueId = await newQueue();
    const base = Date.now() - 3600_000;
    const stamp = (name: string, minute: number, first: number | null, latestEstimate: number | null, waitMinutes: number | null, called = true) =>
      harness.prisma.visit.create({
        data: {
          organizationId: tenant.organizationId,
          queueId,
          businessId: tenant.businessId,
          customerName: name,
          status: called ? 'DONE' : 'WAITING',
          calledAt: called ? new Date(base + minute * 60_000) : null,
          firstEstimateMinutes: first,
          latestEstimateMinutes: latestEstimate,
          waitSeconds: waitMinutes === null ? null : waitMinutes * 60,
        },
      });
    expect(ok(await accuracy(queueId)).queue.estimateAccuracy).toEqual({
      meanAbsoluteErrorMinutes: null,
      meanAbsoluteErrorLatestMinutes: null,
      biasMinutes: null,
      samples: 0,
    });
    await stamp('On time', 1, 10, 2, 10);
    await stamp('Over', 2, 20, 0, 15);
    await stamp('Under', 3, 5, 1, 20);
    await stamp('Still waiting', 4, 30, 30, null, false);

    // First errors 0, +5, -15; latest errors -8, -15, -19.
    expect(ok(await accuracy(queueId)).queue.estimateAccuracy).toEqual({
      meanAbsoluteErrorMinutes: 6.67,
      meanAbsoluteErrorLatestMinutes: 14,
      biasMinutes: -3.33,
      samples: 3,
    });
    // The last two called: Under and Over.
    expect(ok(await accuracy(queueId, 2)).queue.estimateAccuracy).toEqual({
      meanAbsoluteErrorMinutes: 10,
      meanAbsoluteErrorLatestMinutes: 17,
      biasMinutes: -5,
      samples: 2,
    });
    // Partners (display screens, CRMs) of the organization may read it.
    expect(ok(await accuracy(queueId, 2, tenant.partner())).queue.estimateAccuracy.samples).toBe(2);
  });

  it('is NOT_FOUND for customers, viewers and other organizations, and refuses a bad count', async () => {
    const queueId = await newQueue();
    const other = await harness.createTenant();
    expect(errorCode(await accuracy(queueId, 10, tenant.customer()))).toBe('NOT_FOUND');
    expect(errorCode(await accuracy(queueId, 10, tenant.staff('VIEWER')))).toBe('NOT_FOUND');
    expect(errorCode(await accuracy(queueId, 10, other.staff('OWNER')))).toBe('NOT_FOUND');
    const refused = await accuracy(queueId, 0);
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.extensions?.field).toBe('last');
  });
});
