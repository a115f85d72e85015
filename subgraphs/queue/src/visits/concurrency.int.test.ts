import { anonymous, ok, type SeededTenant } from '@waitlessq/testkit';
import { startQueueHarness, type QueueHarness } from '../test-support/harness';
import { callNextOp, createQueueOp, joinOp, type VisitData } from '../test-support/operations';

let harness: QueueHarness;
let tenant: SeededTenant;

beforeAll(async () => {
  harness = await startQueueHarness();
  tenant = await harness.createTenant();
});
afterAll(() => harness?.close());

async function newQueue(name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const data = ok(
    await harness.call<{ createQueue: { id: string } }>(tenant.staff('MANAGER'), createQueueOp, { input: { businessId: tenant.businessId, name, ...extra } }),
  );
  return data.createQueue.id;
}

const join = (queueId: string, name: string, idempotencyKey?: string) =>
  harness.call<{ joinQueue: { visitToken: string; visit: VisitData } }>(anonymous, joinOp, { input: { queueId, name, idempotencyKey } });

describe('joinQueue under concurrency', () => {
  it('gives 200 simultaneous joins the tickets 1..200, each once, without gaps', async () => {
    const queueId = await newQueue('Rush', { ticketPrefix: 'R' });
    const responses = await Promise.all(Array.from({ length: 200 }, (_, i) => join(queueId, `Walk-in ${i}`)));
    const visits = responses.map((response) => ok(response).joinQueue.visit);

    const numbers = visits.map((visit) => visit.ticketNumber).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(new Set(visits.map((visit) => visit.ticket)).size).toBe(200);
    expect(visits.find((visit) => visit.ticketNumber === 42)?.ticket).toBe('R-042');

    const counters = await harness.prisma.ticketCounter.findMany({ where: { queueId } });
    expect(counters.map((counter) => counter.lastNumber)).toEqual([200]);
    expect(await harness.prisma.visitEvent.count({ where: { queueId, fromStatus: null, toStatus: 'WAITING' } })).toBe(200);
    // The line agrees with the ticket order: arrival time was taken under the queue's lock.
    const line = await harness.prisma.visit.findMany({ where: { queueId }, orderBy: [{ joinedAt: 'asc' }, { ticketNumber: 'asc' }] });
    expect(line.map((visit) => visit.ticketNumber)).toEqual(numbers);
  }, 30_000);

  it('lets exactly capacity-many of 20 simultaneous joins in, and numbers only those', async () => {
    const queueId = await newQueue('Small', { capacity: 5 });
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => join(queueId, `Walk-in ${i}`)));
    const codes = responses.map((response) => response.errors?.[0]?.extensions?.code ?? 'OK');
    expect(codes.filter((code) => code === 'OK')).toHaveLength(5);
    expect(codes.filter((code) => code === 'QUEUE_FULL')).toHaveLength(15);
    expect((await harness.prisma.ticketCounter.findMany({ where: { queueId } })).map((counter) => counter.lastNumber)).toEqual([5]);
    expect(await harness.prisma.visitEvent.count({ where: { queueId } })).toBe(5);
  });

  it('answers concurrent retries of one idempotency key with one visit and one token', async () => {
    const queueId = await newQueue('Retries');
    const responses = await Promise.all(Array.from({ length: 8 }, () => join(queueId, 'Ada', 'key-retry-1')));
    const results = responses.map((response) => ok(response).joinQueue);
    expect(new Set(results.map((result) => result.visit.id)).size).toBe(1);
    expect(new Set(results.map((result) => result.visitToken)).size).toBe(1);
    expect(await harness.prisma.visit.count({ where: { queueId } })).toBe(1);
    expect(await harness.prisma.visitEvent.count({ where: { queueId } })).toBe(1);
    // The losers' transactions rolled back with their ticket numbers: the next join gets 2.
    expect(ok(await join(queueId, 'Grace')).joinQueue.visit.ticketNumber).toBe(2);
  });
});

describe('callNext under concurrency', () => {
  it('calls each of 5 waiting visits exactly once for 10 simultaneous calls, and answers null to the rest', async () => {
    const queueId = await newQueue('Counters');
    for (let i = 0; i < 5; i += 1) ok(await join(queueId, `Person ${i}`));
    const staff = tenant.staff('STAFF');

    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => harness.call<{ callNext: VisitData | null }>(staff, callNextOp, { queueId, counter: `Desk ${i}` })),
    );
    const called = responses.map((response) => ok(response).callNext);
    const visits = called.filter((visit): visit is VisitData => visit !== null);
    expect(visits).toHaveLength(5);
    expect(called.filter((visit) => visit === null)).toHaveLength(5);
    expect(new Set(visits.map((visit) => visit.id)).size).toBe(5);
    expect(visits.map((visit) => visit.ticketNumber).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(visits.every((visit) => visit.status === 'CALLED' && visit.calledAt && visit.counter?.startsWith('Desk'))).toBe(true);

    expect(await harness.prisma.visit.count({ where: { queueId, status: 'CALLED' } })).toBe(5);
    const events = await harness.prisma.visitEvent.findMany({ where: { queueId, toStatus: 'CALLED' } });
    expect(events).toHaveLength(5);
    expect(new Set(events.map((event) => event.visitId)).size).toBe(5);
    expect(events.every((event) => event.fromStatus === 'WAITING' && event.actorKind === 'staff')).toBe(true);
  });
});
