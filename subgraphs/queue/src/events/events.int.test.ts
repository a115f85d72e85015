import { parse } from 'graphql';
import { createLogger } from '@waitlessq/observability';
import { createEventLog, type EventLog } from '@waitlessq/redis';
import type { PrismaClient } from '@waitlessq/database';
import type { ServiceRuntime } from '@waitlessq/subgraph-kit';
import { anonymous, ok, type SeededTenant } from '@waitlessq/testkit';
import { startQueueHarness, type QueueHarness } from '../test-support/harness';
import { callNextOp, cancelOp, createQueueOp, joinOp, queueStatusOp, visitOp, type VisitData } from '../test-support/operations';
import { createQueueEventExecutor, createQueueEventPublisher, queueEventOf, queueEventStream, visitUpdateReasons, type QueueEvent } from './index';

let harness: QueueHarness;
let tenant: SeededTenant;
let log: EventLog;

beforeAll(async () => {
  harness = await startQueueHarness();
  tenant = await harness.createTenant({ serviceMinutes: [15] });
  log = createEventLog(harness.runtime.redis, { retentionMs: 60_000 });
});
afterAll(() => harness?.close());

type Joined = { joinQueue: { visitToken: string; visit: VisitData } };

const newQueue = async () =>
  ok(await harness.call<{ createQueue: { id: string } }>(tenant.staff('MANAGER'), createQueueOp, { input: { businessId: tenant.businessId, name: 'Desk' } }))
    .createQueue.id;
const join = async (queueId: string, name: string, phone?: string) =>
  ok(await harness.call<Joined>(anonymous, joinOp, { input: { queueId, name, phone, serviceId: tenant.serviceIds[0] } })).joinQueue;
const events = async (queueId: string, after = 0): Promise<QueueEvent[]> => (await log.readAfter(queueEventStream(queueId), after)).map(queueEventOf);

describe('publishing', () => {
  it('records each committed change with the queue as it is right after it', async () => {
    const queueId = await newQueue();
    const ada = await join(queueId, 'Ada', '+49 30 1234567');
    const ben = await join(queueId, 'Ben');
    ok(await harness.call(tenant.staff('STAFF'), callNextOp, { queueId }));
    ok(await harness.call(anonymous, cancelOp, { visitId: ben.visit.id, visitToken: ben.visitToken }));
    ok(await harness.call(tenant.staff('STAFF'), queueStatusOp('pauseQueue'), { queueId }));

    const recorded = await events(queueId);
    expect(recorded.map((event) => [event.sequence, event.change.kind])).toEqual([
      [1, 'JOINED'],
      [2, 'JOINED'],
      [3, 'CALLED'],
      [4, 'CANCELLED'],
      [5, 'QUEUE_PAUSED'],
    ]);
    expect(recorded[1].waits.get(ben.visit.id)).toEqual({ position: 2, estimatedWaitMinutes: 15 });
    expect(recorded[2].visits.get(ada.visit.id)).toMatchObject({ status: 'CALLED', calledAt: expect.any(Date) });
    expect(recorded[2].waits.get(ben.visit.id)).toEqual({ position: 1, estimatedWaitMinutes: 0 });
    // The cancelled visit left the line, but its event still carries it for its subscriber.
    expect(recorded[3].visits.get(ben.visit.id)?.status).toBe('CANCELLED');
    expect(recorded[3].line.places).toHaveLength(0);
    expect(recorded[4].queue.status).toBe('PAUSED');
    // What no Visit field shows stays out of Redis: phone numbers, token hashes.
    const stored = JSON.stringify((await log.readAfter(queueEventStream(queueId), 0)).map((entry) => entry.data));
    expect(stored).toContain('Ada');
    expect(stored).not.toMatch(/1234567|customerPhone|visitTokenHash|vt_/);
  });

  it('costs one read however long the line: the snapshot, under the queue lock', async () => {
    const queueId = await newQueue();
    for (const name of ['A', 'B', 'C', 'D', 'E']) await join(queueId, name);
    const statements: string[] = [];
    const primary = harness.runtime.db.primary.$extends({
      query: {
        async $allOperations({ operation, args, query }) {
          statements.push(operation);
          return query(args);
        },
      },
    }) as unknown as PrismaClient;
    const runtime: ServiceRuntime = { ...harness.runtime, db: { ...harness.runtime.db, primary } };
    await createQueueEventPublisher(runtime, { log }).publish(queueId, { kind: 'QUEUE_UPDATED', visitIds: [] });
    // The change's outbox row (a trigger writes it for a real change), then the relay: the
    // lock, the rows taken (DELETE ... RETURNING), and the snapshot with its sequence (UPDATE ...
    // RETURNING in the same statement): one read of the line.
    expect(statements).toEqual(['$executeRaw', '$executeRaw', '$queryRaw', '$queryRaw']);
    const [latest] = await events(queueId, 5);
    expect(latest.line.places).toHaveLength(5);
  });

  it('keeps sequence order equal to snapshot order when many change one queue at once', async () => {
    const queueId = await newQueue();
    await Promise.all(Array.from({ length: 15 }, (_, i) => join(queueId, `Visitor ${i}`)));
    const recorded = await events(queueId);
    expect(recorded.map((event) => event.sequence)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    // Only joins: a later event never shows a shorter line than an earlier one.
    const lengths = recorded.map((event) => event.line.places.length);
    expect(lengths).toEqual([...lengths].sort((a, b) => a - b));
    expect(lengths[lengths.length - 1]).toBe(15);
  });
});

describe('projecting an event', () => {
  const silentLogger = createLogger('queue', 'silent');
  const executor = createQueueEventExecutor({ exposeInternals: false, logger: silentLogger });
  const project = (event: QueueEvent, identity: Parameters<typeof executor.execute>[0]['identity'], query: string, variables = {}) =>
    executor.execute({ document: parse(query), variables, source: { event, reasons: [] }, identity, requestId: 'test', logger: silentLogger });

  it("gives a visit's position and estimate exactly as the visit query does", async () => {
    const queueId = await newQueue();
    await join(queueId, 'First');
    const second = await join(queueId, 'Second');
    const [, event] = await events(queueId);
    const projected = await project(
      event,
      anonymous,
      'subscription($id: ID!) { visitUpdated(visitId: $id) { sequence change visit { id ticket status position estimatedWaitMinutes queue { waitingCount nextTickets } } } }',
      { id: second.visit.id },
    );
    const queried = ok(await harness.call<{ visit: VisitData }>(anonymous, visitOp, { id: second.visit.id, visitToken: second.visitToken })).visit;
    expect(projected.errors).toBeUndefined();
    expect(projected.data).toEqual({
      visitUpdated: {
        sequence: 2,
        change: 'JOINED',
        visit: {
          id: second.visit.id,
          ticket: queried.ticket,
          status: 'WAITING',
          position: queried.position,
          estimatedWaitMinutes: queried.estimatedWaitMinutes,
          queue: { waitingCount: 2, nextTickets: ['A-001', 'A-002'] },
        },
      },
    });
  });

  it("applies each field's rules to the subscriber, and names fields events do not hold", async () => {
    const queueId = await newQueue();
    await join(queueId, 'Ada Lovelace');
    const [event] = await events(queueId);
    const line = 'subscription($q: ID!) { queueUpdated(queueId: $q) { queue { waiting { customerName position } } } }';
    expect((await project(event, tenant.partner(), line, { q: queueId })).data).toEqual({
      queueUpdated: { queue: { waiting: [{ customerName: 'Ada Lovelace', position: 1 }] } },
    });
    const refused = await project(event, tenant.customer(), line, { q: queueId });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(refused)).not.toContain('Ada');

    const history = await project(event, tenant.staff('VIEWER'), 'subscription($q: ID!) { queueUpdated(queueId: $q) { visits { history { toStatus } } } }', {
      q: queueId,
    });
    expect(history.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringContaining('Visit.history') });
  });
});

describe('which events concern a visit', () => {
  it('a join behind it does not; a call ahead of it does; a pause does', async () => {
    const queueId = await newQueue();
    const first = await join(queueId, 'First');
    const second = await join(queueId, 'Second');
    ok(await harness.call(tenant.staff('STAFF'), callNextOp, { queueId }));
    ok(await harness.call(tenant.staff('STAFF'), queueStatusOp('pauseQueue'), { queueId }));
    const [joinedFirst, joinedSecond, called, paused] = await events(queueId);

    expect(visitUpdateReasons(joinedFirst, joinedSecond, first.visit.id)).toEqual([]);
    expect(visitUpdateReasons(joinedFirst, joinedSecond, second.visit.id)).toEqual(['VISIT_CHANGED', 'POSITION_CHANGED', 'ESTIMATE_CHANGED']);
    expect(visitUpdateReasons(joinedSecond, called, first.visit.id)).toEqual(['VISIT_CHANGED', 'POSITION_CHANGED', 'ESTIMATE_CHANGED']);
    expect(visitUpdateReasons(joinedSecond, called, second.visit.id)).toEqual(['POSITION_CHANGED', 'ESTIMATE_CHANGED']);
    expect(visitUpdateReasons(called, paused, second.visit.id)).toEqual(['QUEUE_STATUS_CHANGED']);
  });
});
