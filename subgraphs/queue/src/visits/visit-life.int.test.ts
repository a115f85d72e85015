import { parse } from 'graphql';
import type { Identity } from '@waitlessq/auth';
import { createLogger } from '@waitlessq/observability';
import { createEventLog, type EventLog } from '@waitlessq/redis';
import { anonymous, errorCode, ok, type SeededTenant } from '@waitlessq/testkit';
import { createQueueEventExecutor, queueEventOf, queueEventStream, visitUpdateReasons, type QueueEvent } from '../events';
import { startQueueHarness, type QueueHarness } from '../test-support/harness';
import {
  callNextOp,
  createQueueOp,
  joinOp,
  moveOp,
  queueStatusOp,
  recallOp,
  returnOp,
  transferOp,
  visitLifeOp,
  type VisitData,
  type VisitLifeData,
} from '../test-support/operations';

// Several mutations and their events per test, on 2 cores shared with other suites.
jest.setTimeout(30_000);

let harness: QueueHarness;
let tenant: SeededTenant;
let other: SeededTenant;
let log: EventLog;

beforeAll(async () => {
  harness = await startQueueHarness();
  tenant = await harness.createTenant({ serviceMinutes: [15, 30] });
  other = await harness.createTenant({ serviceMinutes: [15] });
  log = createEventLog(harness.runtime.redis, { retentionMs: 60_000 });
});
afterAll(() => harness?.close());

async function newQueue(extra: Record<string, unknown> = {}, owner = tenant, businessId = owner.businessId): Promise<string> {
  const input = { businessId, name: 'Desk', ...extra };
  return ok(await harness.call<{ createQueue: { id: string } }>(owner.staff('MANAGER'), createQueueOp, { input })).createQueue.id;
}
const joined = async (queueId: string, name: string, input: Record<string, unknown> = {}) =>
  ok(await harness.call<{ joinQueue: { visit: VisitData } }>(anonymous, joinOp, { input: { queueId, name, serviceId: tenant.serviceIds[0], ...input } }))
    .joinQueue.visit;
const callNext = async (queueId: string, staff: Identity = tenant.staff('STAFF'), counter = 'Desk 1') =>
  ok(await harness.call<{ callNext: VisitData | null }>(staff, callNextOp, { queueId, counter })).callNext;
const life = async (id: string) => ok(await harness.call<{ visit: VisitLifeData }>(tenant.staff('STAFF'), visitLifeOp, { id })).visit;
const recall = (visitId: string, staff: Identity = tenant.staff('STAFF')) => harness.call<{ recallVisit: VisitLifeData }>(staff, recallOp, { visitId });
const returnTo = (visitId: string, placement: string, staff: Identity = tenant.staff('STAFF')) =>
  harness.call<{ returnToQueue: VisitLifeData }>(staff, returnOp, { visitId, placement });
const transfer = (visitId: string, queueId: string, serviceId?: string, staff: Identity = tenant.staff('STAFF')) =>
  harness.call<{ transferVisit: VisitLifeData }>(staff, transferOp, { visitId, queueId, serviceId });
const events = async (queueId: string): Promise<QueueEvent[]> => (await log.readAfter(queueEventStream(queueId), 0)).map(queueEventOf);
const line = async (queueId: string) =>
  (
    await harness.prisma.visit.findMany({ where: { queueId, status: 'WAITING' }, orderBy: [{ priority: 'desc' }, { lineAt: 'asc' }, { ticketNumber: 'asc' }] })
  ).map((visit) => visit.customerName);

/** Everything a refused change could have written: the visit's row and the history of its queue. */
async function written(visitId: string) {
  const visit = await harness.prisma.visit.findUniqueOrThrow({ where: { id: visitId } });
  const history = await harness.prisma.visitEvent.count({ where: { visitId } });
  return { visit, history };
}

describe('callNext', () => {
  it('records the counter, who called and, on the first call only, the wait since the visit entered the line', async () => {
    const queueId = await newQueue();
    const ada = await joined(queueId, 'Ada');
    const staff = tenant.staff('STAFF');
    await harness.prisma.visit.update({ where: { id: ada.id }, data: { lineAt: new Date(Date.now() - 7 * 60_000) } });
    await callNext(queueId, staff, 'Desk 3');
    const called = await life(ada.id);
    expect(called).toMatchObject({
      status: 'CALLED',
      counter: 'Desk 3',
      calledBy: { id: staff.kind === 'staff' ? staff.subjectId : '' },
      recallCount: 0,
      waitMinutes: 7,
    });
    expect(called.history.at(-1)).toMatchObject({ fromStatus: 'WAITING', toStatus: 'CALLED', action: null, counter: 'Desk 3' });
    const { waitSeconds } = await harness.prisma.visit.findUniqueOrThrow({ where: { id: ada.id } });
    expect(waitSeconds).toBeGreaterThanOrEqual(7 * 60);
    expect(waitSeconds).toBeLessThan(7 * 60 + 30);

    // Back in the line and called again: the wait measured at the first call stays.
    ok(await returnTo(ada.id, 'LAST'));
    await harness.prisma.visit.update({ where: { id: ada.id }, data: { lineAt: new Date(Date.now() - 60 * 60_000) } });
    await callNext(queueId, staff, 'Desk 4');
    expect(await harness.prisma.visit.findUniqueOrThrow({ where: { id: ada.id } })).toMatchObject({ waitSeconds, counter: 'Desk 4', status: 'CALLED' });
  });
  it('calls the head of the line even while the event publisher holds the waiting visits to write their estimates', async () => {
    const queueId = await newQueue();
    const ada = await joined(queueId, 'Ada');
    await joined(queueId, 'Ben');
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked = () => {};
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    // What the publisher does: rewrite every waiting visit's latest estimate, holding their rows until it commits.
    const publisher = harness.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`UPDATE "Visit" SET "latestEstimateMinutes" = "latestEstimateMinutes" WHERE "queueId" = ${queueId}::uuid AND "status" = 'WAITING'`;
      locked();
      await held;
    });
    await lockTaken;
    const call = callNext(queueId);
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await publisher;
    // Not skipped (nobody, or Ben): Ada, once the rows are free.
    expect((await call)?.id).toBe(ada.id);
  });
});

describe('recallVisit', () => {
  it('calls a called visit again: still CALLED, same calledAt, one more recall, in the history and in the live events', async () => {
    const queueId = await newQueue();
    const ada = await joined(queueId, 'Ada');
    await callNext(queueId);
    const before = await life(ada.id);
    const recaller = tenant.staff('STAFF');
    ok(await recall(ada.id));
    const twice = ok(await recall(ada.id, recaller)).recallVisit;
    expect(twice).toMatchObject({
      status: 'CALLED',
      calledAt: before.calledAt,
      recallCount: 2,
      counter: 'Desk 1',
      calledBy: { id: (recaller as { subjectId: string }).subjectId },
    });
    expect(twice.history.slice(-2)).toEqual([
      expect.objectContaining({ fromStatus: 'CALLED', toStatus: 'CALLED', action: 'RECALLED', recallCount: 1, counter: 'Desk 1', actorKind: 'staff' }),
      expect.objectContaining({ fromStatus: 'CALLED', toStatus: 'CALLED', action: 'RECALLED', recallCount: 2 }),
    ]);
    const recorded = await events(queueId);
    expect(recorded.slice(-2).map((event) => [event.change.kind, event.change.visitIds])).toEqual([
      ['RECALLED', [ada.id]],
      ['RECALLED', [ada.id]],
    ]);
    expect(recorded.at(-1)!.visits.get(ada.id)?.recallCount).toBe(2);
  });

  it('refuses a visit that is not CALLED, another organization, and a VIEWER, writing nothing', async () => {
    const queueId = await newQueue();
    const ada = await joined(queueId, 'Ada');
    const before = await written(ada.id);
    expect(errorCode(await recall(ada.id))).toBe('INVALID_TRANSITION');
    await callNext(queueId);
    const called = await written(ada.id);
    expect(errorCode(await recall(ada.id, other.staff('OWNER')))).toBe('NOT_FOUND');
    expect(errorCode(await recall(ada.id, tenant.staff('VIEWER')))).toBe('FORBIDDEN');
    expect(errorCode(await recall(ada.id, anonymous))).toBe('UNAUTHENTICATED');
    expect(await written(ada.id)).toEqual(called);
    expect(before.history).toBe(1);
  });
});

describe('returnToQueue', () => {
  it('puts a called visit back first of its priority or last, clearing its counter, keeping joinedAt', async () => {
    const queueId = await newQueue();
    const ada = await joined(queueId, 'Ada');
    await joined(queueId, 'Ben');
    await joined(queueId, 'Cy');
    await callNext(queueId);

    const first = ok(await returnTo(ada.id, 'FIRST')).returnToQueue;
    expect(first).toMatchObject({ status: 'WAITING', counter: null, position: 1, joinedAt: ada.joinedAt });
    const ben = await harness.prisma.visit.findFirstOrThrow({ where: { queueId, customerName: 'Ben' } });
    expect(new Date(first.lineAt!).getTime()).toBe(ben.lineAt!.getTime() - 1);
    expect(first.history.at(-1)).toMatchObject({ fromStatus: 'CALLED', toStatus: 'WAITING', action: 'RETURNED', placement: 'FIRST' });
    expect(await line(queueId)).toEqual(['Ada', 'Ben', 'Cy']);

    await callNext(queueId);
    const last = ok(await returnTo(ada.id, 'LAST')).returnToQueue;
    expect(last).toMatchObject({ status: 'WAITING', position: 3, joinedAt: ada.joinedAt });
    expect(await line(queueId)).toEqual(['Ben', 'Cy', 'Ada']);
    expect((await events(queueId)).at(-1)?.change).toMatchObject({ kind: 'RETURNED', visitIds: [ada.id] });
  });

  it('goes to the head of its own priority, not ahead of a higher one', async () => {
    const queueId = await newQueue();
    const ada = await joined(queueId, 'Ada');
    ok(await harness.call(tenant.staff('STAFF'), joinOp, { input: { queueId, name: 'Urgent', priority: 5 } }));
    await harness.prisma.visit.update({ where: { id: ada.id }, data: { priority: 10 } });
    await callNext(queueId);
    await harness.prisma.visit.update({ where: { id: ada.id }, data: { priority: 0 } });
    await joined(queueId, 'Ben');
    ok(await returnTo(ada.id, 'FIRST'));
    expect(await line(queueId)).toEqual(['Urgent', 'Ada', 'Ben']);
  });

  it('puts a visit back at now when nobody of its priority waits', async () => {
    const queueId = await newQueue();
    const ada = await joined(queueId, 'Ada');
    await callNext(queueId);
    const start = Date.now();
    const returned = ok(await returnTo(ada.id, 'FIRST')).returnToQueue;
    expect(new Date(returned.lineAt!).getTime()).toBeGreaterThanOrEqual(start - 5);
  });

  it('refuses a visit being served, and another organization, writing nothing', async () => {
    const queueId = await newQueue();
    const ada = await joined(queueId, 'Ada');
    await callNext(queueId);
    expect(errorCode(await returnTo(ada.id, 'FIRST', other.staff('OWNER')))).toBe('NOT_FOUND');
    ok(await harness.call(tenant.staff('STAFF'), moveOp('startServing'), { visitId: ada.id }));
    const serving = await written(ada.id);
    expect(errorCode(await returnTo(ada.id, 'LAST'))).toBe('INVALID_TRANSITION');
    expect(await written(ada.id)).toEqual(serving);
  });
});

describe('transferVisit', () => {
  it('moves a called visit to another queue of the business, keeping ticket, line time and history; both queues hear of it', async () => {
    const from = await newQueue({ ticketPrefix: 'F' });
    const to = await newQueue({ ticketPrefix: 'T' });
    const ada = await joined(from, 'Ada');
    const ben = await joined(from, 'Ben');
    // The target issued the same ticket number today, and someone joined it after Ada.
    await joined(to, 'Tom');
    await callNext(from);
    const before = await life(ada.id);

    const moved = ok(await transfer(ada.id, to, tenant.serviceIds[1])).transferVisit;
    expect(moved).toMatchObject({
      status: 'WAITING',
      ticket: 'F-001',
      ticketNumber: 1,
      lineAt: before.lineAt,
      counter: null,
      queue: { id: to },
      service: { id: tenant.serviceIds[1] },
    });
    // Ada joined before Tom: she stands ahead of him in her new line.
    expect(moved.position).toBe(1);
    expect(await line(to)).toEqual(['Ada', 'Tom']);
    expect(await line(from)).toEqual(['Ben']);
    expect(moved.history.map((event) => event.toStatus)).toEqual(['WAITING', 'CALLED', 'WAITING']);
    expect(moved.history.at(-1)).toMatchObject({
      action: 'TRANSFERRED',
      fromQueueId: from,
      toQueueId: to,
      fromServiceId: tenant.serviceIds[0],
      toServiceId: tenant.serviceIds[1],
    });

    const [left, arrived] = [(await events(from)).at(-1)!, (await events(to)).at(-1)!];
    expect(left.change).toMatchObject({ kind: 'TRANSFERRED', visitIds: [ada.id] });
    expect(left.line.places.map((place) => place.id)).toEqual([ben.id]);
    expect(left.visits.get(ada.id)?.queueId).toBe(to);
    expect(left.waits.get(ada.id)).toBeUndefined();
    expect(arrived.change).toMatchObject({ kind: 'TRANSFERRED', visitIds: [ada.id] });
    expect(arrived.waits.get(ada.id)).toEqual({ position: 1, estimatedWaitMinutes: 0 });
    // Tom now waits behind Ada's 30-minute service.
    expect(arrived.line.places.map((place) => place.id)).toHaveLength(2);
    const tom = await harness.prisma.visit.findFirstOrThrow({ where: { queueId: to, customerName: 'Tom' } });
    expect(tom.latestEstimateMinutes).toBe(30);
    // A subscriber of the visit who follows the queue it left sees it move, with its new queue.
    const previous = (await events(from)).at(-2)!;
    expect(visitUpdateReasons(previous, left, ada.id)).toContain('VISIT_CHANGED');
    const logger = createLogger('queue', 'silent');
    const projected = await createQueueEventExecutor({ exposeInternals: false, logger }).execute({
      document: parse('subscription($id: ID!) { visitUpdated(visitId: $id) { change visit { status ticket position queue { id name } } } }'),
      variables: { id: ada.id },
      source: { event: left, reasons: ['VISIT_CHANGED'] },
      identity: tenant.staff('STAFF'),
      requestId: 'test',
      logger,
    });
    expect(projected).toEqual({
      data: { visitUpdated: { change: 'TRANSFERRED', visit: { status: 'WAITING', ticket: 'F-001', position: null, queue: { id: to, name: 'Desk' } } } },
    });
  });

  it('refuses what a join would refuse, and other businesses and tenants, writing nothing', async () => {
    const from = await newQueue();
    const closed = await newQueue();
    const full = await newQueue({ capacity: 1 });
    const onlyFirstService = await newQueue({ serviceIds: [tenant.serviceIds[1]] });
    const elsewhere = await harness.prisma.business.create({
      data: { organizationId: tenant.organizationId, name: 'Branch', slug: `branch-${Date.now()}`, timezone: 'Europe/Berlin' },
    });
    const otherBusiness = await newQueue({}, tenant, elsewhere.id);
    const otherTenant = await newQueue({}, other);
    ok(await harness.call(tenant.staff('MANAGER'), queueStatusOp('closeQueue'), { queueId: closed }));
    await joined(full, 'Already there');
    const ada = await joined(from, 'Ada');
    const before = await written(ada.id);

    const refusals = [
      await transfer(ada.id, closed),
      await transfer(ada.id, full),
      await transfer(ada.id, otherBusiness),
      await transfer(ada.id, otherTenant),
      await transfer(ada.id, onlyFirstService),
      await transfer(ada.id, onlyFirstService, tenant.serviceIds[0]),
      await transfer(ada.id, from, other.serviceIds[0]),
      await transfer(ada.id, closed, undefined, other.staff('OWNER')),
      await transfer(ada.id, closed, undefined, tenant.staff('VIEWER')),
    ];
    expect(refusals.map(errorCode)).toEqual([
      'QUEUE_CLOSED',
      'QUEUE_FULL',
      'BAD_USER_INPUT',
      'NOT_FOUND',
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
      'NOT_FOUND',
      'FORBIDDEN',
    ]);
    expect(refusals[4].errors?.[0]?.extensions?.field).toBe('serviceId');
    expect(await written(ada.id)).toEqual(before);
    // To the queue and service it is in already: answered unchanged (a retried click), nothing written.
    expect(ok(await transfer(ada.id, from)).transferVisit).toMatchObject({ id: ada.id, status: 'WAITING', queue: { id: from } });
    expect(await written(ada.id)).toEqual(before);

    await callNext(from);
    ok(await harness.call(tenant.staff('STAFF'), moveOp('startServing'), { visitId: ada.id }));
    const serving = await written(ada.id);
    expect(errorCode(await transfer(ada.id, onlyFirstService, tenant.serviceIds[1]))).toBe('INVALID_TRANSITION');
    expect(await written(ada.id)).toEqual(serving);
  });
});
