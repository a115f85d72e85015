import { randomUUID } from 'node:crypto';
import { anonymous, ok, type SeededTenant } from '@waitlessq/testkit';
import { metricsRegistry } from '@waitlessq/observability';
import { startQueueHarness, type QueueHarness } from '../test-support/harness';
import { createQueueOp, joinOp } from '../test-support/operations';
import { readLineReads, readVisitsWithLines } from '../visits/line-read';
import { readLines, readServiceTimes } from '../visits/line';

// The reads the data-layer mix sends most (loadtests/data-layer/mix.ts), with the summary
// cache on as in production: the statements each costs the queue subgraph, and the one-statement
// line read (visits/line-read.ts) answering exactly what Prisma's reads answer.

let harness: QueueHarness;
let tenant: SeededTenant;
let queueId: string;
const walkIns: { id: string; token: string }[] = [];

const staffLineOp = `query($id: ID!) { queue(id: $id) { waitingCount waiting(first: 20) { ticket position customerName service { id } } } }`;
const myVisitOp = `query($id: ID!, $token: String) {
  visit(id: $id, visitToken: $token) { ticket status position estimatedWaitMinutes queue { name status waitingCount } }
}`;

async function statementsOf<T>(fn: () => Promise<T>): Promise<{ result: T; statements: number }> {
  const read = async () => ((await metricsRegistry.getSingleMetric('wlq_db_statements_total')?.get())?.values ?? []).reduce((sum, v) => sum + v.value, 0);
  const before = await read();
  const result = await fn();
  return { result, statements: (await read()) - before };
}

beforeAll(async () => {
  harness = await startQueueHarness({ CACHE_TTL_SECONDS: '60', REDIS_KEY_PREFIX: `hot-reads-test:${randomUUID()}:` });
  tenant = await harness.createTenant({ serviceMinutes: [10] });
  queueId = ok(
    await harness.call<{ createQueue: { id: string } }>(tenant.staff('MANAGER'), createQueueOp, {
      input: { businessId: tenant.businessId, name: 'Front desk' },
    }),
  ).createQueue.id;
  for (const [i, name] of ['Ada', 'Grace', 'Edsger'].entries()) {
    const input = { queueId, name, ...(i === 1 ? { serviceId: tenant.serviceIds[0] } : {}) };
    const joined = ok(await harness.call<{ joinQueue: { visitToken: string; visit: { id: string } } }>(anonymous, joinOp, { input })).joinQueue;
    walkIns.push({ id: joined.visit.id, token: joined.visitToken });
  }
  // A booked appointment due within the horizon (it shapes estimates) and a measured service time.
  await harness.prisma.visit.create({
    data: {
      organizationId: tenant.organizationId,
      queueId,
      businessId: tenant.businessId,
      serviceId: tenant.serviceIds[0],
      customerName: 'Booked',
      kind: 'APPOINTMENT',
      status: 'BOOKED',
      scheduledAt: new Date(Date.now() + 3600_000),
      checkInDeadline: new Date(Date.now() + 3600_000 + 600_000),
      ticketDay: new Date(new Date().toISOString().slice(0, 10)),
    },
  });
  await harness.prisma.serviceTimeStat.create({ data: { businessId: tenant.businessId, serviceKey: tenant.serviceIds[0], averageSeconds: 420.5, samples: 3 } });
}, 120_000);
afterAll(() => harness?.close());

describe('the hot reads of the queue subgraph', () => {
  it('reads a queue, its line, its waiting visits and service times in one statement, as Prisma reads them', async () => {
    const now = new Date();
    const { result: reads, statements } = await statementsOf(() =>
      readLineReads(harness.prisma, [queueId, randomUUID(), 'not-a-uuid'], { wholeVisits: 500, now }),
    );
    expect(statements).toBe(1);
    expect([...reads.keys()]).toEqual([queueId]);
    const read = reads.get(queueId)!;
    expect(read.queue).toEqual(await harness.prisma.queue.findUnique({ where: { id: queueId } }));
    const waiting = await harness.prisma.visit.findMany({ where: { queueId, status: 'WAITING' } });
    expect(waiting).toHaveLength(3);
    const line = (await readLines(harness.prisma, [queueId], now)).get(queueId)!;
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
    expect(read.visits!.sort(byId)).toEqual(waiting.sort(byId));
    expect(line.appointments).toHaveLength(1);
    expect(read.line).toEqual(line);
    expect(read.serviceTimes).toEqual((await readServiceTimes(harness.prisma, [tenant.businessId])).get(tenant.businessId));
    // Without the visits: the same line, queue and times.
    const compact = (await readLineReads(harness.prisma, [queueId], { now })).get(queueId)!;
    expect(compact).toEqual({ ...read, visits: null });
  });

  it('reads only a page of the line whole, first to be called first, in the order positions.ts gives', async () => {
    const otherQueue = ok(
      await harness.call<{ createQueue: { id: string } }>(tenant.staff('MANAGER'), createQueueOp, { input: { businessId: tenant.businessId, name: 'Ties' } }),
    ).createQueue.id;
    // Every key of compareLine decides somewhere: priority, line time (none ranks last), ticket
    // (none ranks last), and the id alone between two otherwise equal visits.
    const t0 = new Date('2026-12-03T09:00:00.000Z');
    const t1 = new Date('2026-12-03T09:05:00.000Z');
    const places: [number, Date | null, number | null][] = [
      [0, t0, 5],
      [5, t1, 9],
      [0, t0, 2],
      [0, null, 1],
      [0, t0, null],
      [0, t1, 3],
      [0, t1, 3],
    ];
    for (const [priority, lineAt, ticketNumber] of places) {
      await harness.prisma.visit.create({
        data: {
          organizationId: tenant.organizationId,
          queueId: otherQueue,
          businessId: tenant.businessId,
          customerName: `Tie ${ticketNumber}`,
          status: 'WAITING',
          priority,
          lineAt,
          joinedAt: lineAt ?? t1,
          ticketNumber,
        },
      });
    }
    const whole = (await readLineReads(harness.prisma, [otherQueue], { wholeVisits: 500 })).get(otherQueue)!;
    expect(whole.visits!.map((visit) => visit.id)).toEqual(whole.line.places.map((place) => place.id));
    const page = (await readLineReads(harness.prisma, [otherQueue], { wholeVisits: 3 })).get(otherQueue)!;
    expect(page.line).toEqual(whole.line);
    expect(page.visits).toEqual(whole.visits!.slice(0, 3));
  });

  it("the staff line: one statement once the queue's summary is cached", async () => {
    await harness.call(tenant.partner(), staffLineOp, { id: queueId });
    const { result, statements } = await statementsOf(() => harness.call(tenant.partner(), staffLineOp, { id: queueId }));
    expect(ok(result)).toEqual({
      queue: {
        waitingCount: 3,
        waiting: [
          { ticket: 'A-001', position: 1, customerName: 'Ada', service: null },
          { ticket: 'A-002', position: 2, customerName: 'Grace', service: { id: tenant.serviceIds[0] } },
          { ticket: 'A-003', position: 3, customerName: 'Edsger', service: null },
        ],
      },
    });
    expect(statements).toBe(1);
  });

  it('a walk-in polling its visit: the visit with its line and its queue, in one statement', async () => {
    const { id, token } = walkIns[2];
    await harness.call(anonymous, myVisitOp, { id, token });
    const { result, statements } = await statementsOf(() => harness.call(anonymous, myVisitOp, { id, token }));
    expect(ok(result)).toEqual({
      visit: {
        ticket: 'A-003',
        status: 'WAITING',
        position: 3,
        estimatedWaitMinutes: expect.any(Number),
        queue: { name: 'Front desk', status: 'OPEN', waitingCount: 3 },
      },
    });
    expect(statements).toBe(1);
    // The estimate the staff line (another read of the same line) gives the same visit.
    const staff = ok(
      await harness.call<{ queue: { waiting: { id: string; estimatedWaitMinutes: number }[] } }>(
        tenant.partner(),
        `query($id: ID!) { queue(id: $id) { waiting(first: 20) { id estimatedWaitMinutes } } }`,
        { id: queueId },
      ),
    );
    const polled = ok(result) as { visit: { estimatedWaitMinutes: number } };
    expect(staff.queue.waiting.find((visit) => visit.id === id)?.estimatedWaitMinutes).toBe(polled.visit.estimatedWaitMinutes);
  });

  it('reads visits with the lines they wait in, as the line read and Prisma read them', async () => {
    const now = new Date();
    const booked = await harness.prisma.visit.findFirstOrThrow({ where: { queueId, status: 'BOOKED' } });
    const { result: reads, statements } = await statementsOf(() =>
      readVisitsWithLines(harness.prisma, [walkIns[0].id, booked.id, randomUUID(), 'not-a-uuid'], now),
    );
    expect(statements).toBe(1);
    expect([...reads.keys()].sort()).toEqual([walkIns[0].id, booked.id].sort());
    const waiting = reads.get(walkIns[0].id)!;
    expect(waiting.visit).toEqual(await harness.prisma.visit.findUnique({ where: { id: walkIns[0].id } }));
    expect(waiting.line).toEqual((await readLineReads(harness.prisma, [queueId], { now })).get(queueId));
    // Not waiting: no line read for it.
    expect(reads.get(booked.id)).toEqual({ visit: booked, line: null });
  });
});
