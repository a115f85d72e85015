import { anonymous, errorCode, ok, type SeededTenant } from '@waitlessq/testkit';
import { startQueueHarness, type QueueHarness } from '../test-support/harness';
import { callNextOp, cancelOp, createQueueOp, joinOp, moveOp, queueOp, queueStatusOp, visitOp, type VisitData } from '../test-support/operations';

let harness: QueueHarness;
let tenant: SeededTenant;

beforeAll(async () => {
  harness = await startQueueHarness();
  tenant = await harness.createTenant({ serviceMinutes: [15, 30] });
});
afterAll(() => harness?.close());

type Joined = { joinQueue: { visitToken: string; visit: VisitData } };

async function newQueue(extra: Record<string, unknown> = {}, owner = tenant): Promise<string> {
  const input = { businessId: owner.businessId, name: 'Front desk', ...extra };
  return ok(await harness.call<{ createQueue: { id: string } }>(owner.staff('MANAGER'), createQueueOp, { input })).createQueue.id;
}
const join = (queueId: string, input: Record<string, unknown> = {}, identity = anonymous) =>
  harness.call<Joined>(identity, joinOp, { input: { queueId, name: 'Walk-in', ...input } });
const joined = async (queueId: string, input: Record<string, unknown> = {}) => ok(await join(queueId, input)).joinQueue;
const callNext = (queueId: string, identity = tenant.staff('STAFF')) => harness.call<{ callNext: VisitData | null }>(identity, callNextOp, { queueId });
const readVisit = (id: string, identity = tenant.staff('VIEWER'), visitToken?: string) =>
  harness.call<{ visit: VisitData & { history: { fromStatus: string | null; toStatus: string; actorKind: string }[] } }>(identity, visitOp, { id, visitToken });

async function rowCounts(queueId: string) {
  const [visits, events, counters] = await Promise.all([
    harness.prisma.visit.count({ where: { queueId } }),
    harness.prisma.visitEvent.count({ where: { queueId } }),
    harness.prisma.ticketCounter.findMany({ where: { queueId } }),
  ]);
  return { visits, events, counters: counters.map((counter) => counter.lastNumber) };
}

describe('joinQueue', () => {
  it('returns the first visit and token to a retry with the same idempotency key, writing nothing', async () => {
    const queueId = await newQueue();
    const first = await joined(queueId, { idempotencyKey: 'join-1' });
    const before = await rowCounts(queueId);
    const retry = await joined(queueId, { idempotencyKey: 'join-1' });
    expect(retry.visit.id).toBe(first.visit.id);
    expect(retry.visitToken).toBe(first.visitToken);
    expect(await rowCounts(queueId)).toEqual(before);
    expect(before.visits).toBe(1);
  });

  it('refuses a closed or paused queue with QUEUE_CLOSED and writes nothing', async () => {
    const queueId = await newQueue();
    await joined(queueId);
    const before = await rowCounts(queueId);
    ok(await harness.call(tenant.staff('STAFF'), queueStatusOp('pauseQueue'), { queueId }));
    expect(errorCode(await join(queueId))).toBe('QUEUE_CLOSED');
    ok(await harness.call(tenant.staff('MANAGER'), queueStatusOp('closeQueue'), { queueId }));
    expect(errorCode(await join(queueId))).toBe('QUEUE_CLOSED');
    expect(await rowCounts(queueId)).toEqual(before);
  });

  it('refuses a full queue with QUEUE_FULL and writes nothing; a called visit frees its place', async () => {
    const queueId = await newQueue({ capacity: 2 });
    await joined(queueId);
    await joined(queueId);
    const before = await rowCounts(queueId);
    expect(errorCode(await join(queueId))).toBe('QUEUE_FULL');
    expect(await rowCounts(queueId)).toEqual(before);
    expect(before.counters).toEqual([2]);
    ok(await callNext(queueId));
    expect((await joined(queueId)).visit.ticketNumber).toBe(3);
  });

  it('needs a name for a walk-in and lets only staff set a priority', async () => {
    const queueId = await newQueue();
    expect(errorCode(await join(queueId, { name: '  ' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await join(queueId, { priority: 5 }))).toBe('FORBIDDEN');
    expect(errorCode(await join(queueId, {}, tenant.staff('VIEWER')))).toBe('FORBIDDEN');
    expect((await rowCounts(queueId)).visits).toBe(0);
  });

  it("checks the service against the queue's business and keeps its duration for the estimate", async () => {
    const [fifteen, thirty] = tenant.serviceIds;
    const queueId = await newQueue({ serviceIds: [fifteen, thirty] });
    const other = await harness.createTenant({ serviceMinutes: [5] });
    expect(errorCode(await join(queueId, { serviceId: other.serviceIds[0] }))).toBe('BAD_USER_INPUT');

    const a = await joined(queueId, { serviceId: thirty });
    const b = await joined(queueId, { serviceId: fifteen });
    const c = await joined(queueId);
    expect(a.visit.service).toEqual({ id: thirty });
    expect([a.visit.firstEstimateMinutes, b.visit.firstEstimateMinutes, c.visit.firstEstimateMinutes]).toEqual([0, 30, 45]);
    expect(c.visit.latestEstimateMinutes).toBe(45);
    const row = await harness.prisma.visit.findUniqueOrThrow({ where: { id: a.visit.id } });
    expect(row.expectedServiceMinutes).toBe(30);
  });

  it('joins a signed-in customer as themself, and refuses a queue of another organization', async () => {
    const queueId = await newQueue();
    const customerId = '5b3b9f0c-2f6e-4d7a-9c1b-7e8f9a0b1c2d';
    const visit = ok(await join(queueId, { name: null }, tenant.customer(customerId))).joinQueue.visit;
    expect(visit.customer).toEqual({ id: customerId });
    const stranger = await harness.createTenant();
    expect(errorCode(await join(queueId, {}, stranger.customer()))).toBe('NOT_FOUND');
  });

  it("keeps the visitor's language (BCP 47, canonical case) for the holder of the visit to read; a bad one is BAD_USER_INPUT with nothing written", async () => {
    const queueId = await newQueue();
    const languageOf = async (id: string, visitToken: string) =>
      ok(
        await harness.call<{ visit: { language: string | null } }>(anonymous, 'query($id: ID!, $t: String) { visit(id: $id, visitToken: $t) { language } }', {
          id,
          t: visitToken,
        }),
      ).visit.language;
    const german = await joined(queueId, { language: 'de-at' });
    expect(await languageOf(german.visit.id, german.visitToken)).toBe('de-AT');
    expect((await harness.prisma.visit.findUniqueOrThrow({ where: { id: german.visit.id } })).locale).toBe('de-AT');
    const silent = await joined(queueId);
    expect(await languageOf(silent.visit.id, silent.visitToken)).toBeNull();
    const before = await rowCounts(queueId);
    for (const language of ['de_AT', 'a-very-long-language-tag', '42']) {
      const refused = await join(queueId, { language });
      expect(errorCode(refused)).toBe('BAD_USER_INPUT');
      expect(refused.errors?.[0]?.extensions?.field).toBe('language');
    }
    expect(await rowCounts(queueId)).toEqual(before);
  });
});

describe('the line', () => {
  it('ranks waiting visits 1, 2, 3 and moves the others up after callNext', async () => {
    const queueId = await newQueue();
    const ids = [];
    for (let i = 0; i < 3; i += 1) ids.push((await joined(queueId, { name: `P${i}` })).visit.id);
    const positions = async () => {
      const queue = ok(
        await harness.call<{ queue: { waitingCount: number; waiting: { id: string; position: number; estimatedWaitMinutes: number }[] } }>(
          tenant.staff('VIEWER'),
          queueOp,
          { id: queueId },
        ),
      ).queue;
      return { count: queue.waitingCount, line: queue.waiting.map((visit) => [visit.id, visit.position, visit.estimatedWaitMinutes]) };
    };
    expect(await positions()).toEqual({
      count: 3,
      line: [
        [ids[0], 1, 0],
        [ids[1], 2, 10],
        [ids[2], 3, 20],
      ],
    });

    const called = ok(await callNext(queueId)).callNext!;
    expect(called.id).toBe(ids[0]);
    expect(called.position).toBeNull();
    expect(called.estimatedWaitMinutes).toBeNull();
    expect(await positions()).toEqual({
      count: 2,
      line: [
        [ids[1], 1, 0],
        [ids[2], 2, 10],
      ],
    });
  });

  it('calls a higher priority first', async () => {
    const queueId = await newQueue();
    await joined(queueId, { name: 'early' });
    const urgent = ok(await join(queueId, { name: 'urgent', priority: 10 }, tenant.staff('STAFF'))).joinQueue.visit;
    expect(urgent.position).toBe(1);
    expect(ok(await callNext(queueId)).callNext?.id).toBe(urgent.id);
  });

  it('reads a line of any length with the same number of SQL statements', async () => {
    const query = `query($id: ID!) { queue(id: $id) { waitingCount servingNow { id }
      waiting { id position estimatedWaitMinutes history { toStatus } queue { id countersOpen } customer { id } } } }`;
    const statementsFor = async (waiting: number) => {
      const queueId = await newQueue();
      for (let i = 0; i < waiting; i += 1) await joined(queueId, { name: `P${i}` });
      const before = harness.statements();
      const queue = ok(await harness.call<{ queue: { waiting: { position: number }[] } }>(tenant.staff('VIEWER'), query, { id: queueId })).queue;
      expect(queue.waiting.map((visit) => visit.position)).toEqual(Array.from({ length: waiting }, (_, i) => i + 1));
      return harness.statements() - before;
    };
    const few = await statementsFor(2);
    expect(await statementsFor(12)).toBe(few);
    // The summary (the queue with its line and service times), the line with its visits (caches
    // are off: each is one statement), serving now, history.
    expect(few).toBe(4);
  });

  it('answers null when nobody waits', async () => {
    expect(ok(await callNext(await newQueue())).callNext).toBeNull();
  });
});

describe('transitions', () => {
  it('refuses completeVisit on a WAITING visit with INVALID_TRANSITION and changes nothing', async () => {
    const queueId = await newQueue();
    const { visit } = await joined(queueId);
    const before = await rowCounts(queueId);
    const response = await harness.call(tenant.staff('STAFF'), moveOp('completeVisit'), { visitId: visit.id });
    expect(errorCode(response)).toBe('INVALID_TRANSITION');
    expect(response.errors?.[0]?.message).toMatch(/WAITING.*DONE/);
    expect(await rowCounts(queueId)).toEqual(before);
    expect((await harness.prisma.visit.findUniqueOrThrow({ where: { id: visit.id } })).status).toBe('WAITING');
    expect(errorCode(await harness.call(tenant.staff('STAFF'), moveOp('markNoShow'), { visitId: visit.id }))).toBe('INVALID_TRANSITION');
  });

  it('forbids a VIEWER to call the next visit', async () => {
    const queueId = await newQueue();
    await joined(queueId);
    expect(errorCode(await callNext(queueId, tenant.staff('VIEWER')))).toBe('FORBIDDEN');
    expect(await harness.prisma.visit.count({ where: { queueId, status: 'CALLED' } })).toBe(0);
  });

  // Measuring service times changes every later estimate of the business: these use their own.
  it('runs a visit through its life, stamping each step and recording its history and service time', async () => {
    const own = await harness.createTenant({ serviceMinutes: [15] });
    const queueId = await newQueue({}, own);
    const { visit } = await joined(queueId, { serviceId: own.serviceIds[0] });
    const staff = own.staff('STAFF');
    ok(await callNext(queueId, staff));
    ok(await harness.call(staff, moveOp('startServing'), { visitId: visit.id }));
    const done = ok(await harness.call<{ completeVisit: VisitData }>(staff, moveOp('completeVisit'), { visitId: visit.id })).completeVisit;
    expect(done.status).toBe('DONE');
    expect([done.joinedAt, done.calledAt, done.servedAt, done.doneAt].every(Boolean)).toBe(true);

    const read = ok(await readVisit(visit.id, own.staff('VIEWER'))).visit;
    expect(read.history.map((event) => `${event.fromStatus}>${event.toStatus}`)).toEqual(['null>WAITING', 'WAITING>CALLED', 'CALLED>SERVING', 'SERVING>DONE']);
    expect(read.history[0].actorKind).toBe('anonymous');
    const stats = await harness.prisma.serviceTimeStat.findMany({ where: { businessId: own.businessId }, orderBy: { serviceKey: 'asc' } });
    expect(stats.map((stat) => [stat.serviceKey, stat.samples])).toEqual([
      ['*', 1],
      [own.serviceIds[0], 1],
    ]);
    expect(errorCode(await harness.call(staff, moveOp('startServing'), { visitId: visit.id }))).toBe('INVALID_TRANSITION');
  });

  it('folds each measured service time into a moving average (alpha 0.2)', async () => {
    const own = await harness.createTenant();
    const queueId = await newQueue({}, own);
    const businessId = own.businessId;
    const key = { businessId_serviceKey: { businessId, serviceKey: '*' } };
    await harness.prisma.serviceTimeStat.upsert({
      where: key,
      create: { businessId, serviceKey: '*', averageSeconds: 600, samples: 3 },
      update: { averageSeconds: 600, samples: 3 },
    });
    const { visit } = await joined(queueId);
    ok(await callNext(queueId, own.staff('STAFF')));
    // Served two minutes ago: the sample is about 120 s.
    await harness.prisma.visit.update({ where: { id: visit.id }, data: { status: 'SERVING', servedAt: new Date(Date.now() - 120_000) } });
    ok(await harness.call(own.staff('STAFF'), moveOp('completeVisit'), { visitId: visit.id }));
    const stat = await harness.prisma.serviceTimeStat.findUniqueOrThrow({ where: key });
    expect(stat.samples).toBe(4);
    expect(stat.averageSeconds).toBeCloseTo(600 + 0.2 * (120 - 600), 0);
  });

  it('marks a called visit as a no-show', async () => {
    const queueId = await newQueue();
    const { visit } = await joined(queueId);
    ok(await callNext(queueId));
    const noShow = ok(await harness.call<{ markNoShow: VisitData }>(tenant.staff('STAFF'), moveOp('markNoShow'), { visitId: visit.id })).markNoShow;
    expect(noShow.status).toBe('NO_SHOW');
    expect(noShow.noShowAt).not.toBeNull();
  });
});

describe('the visit token', () => {
  it('lets its holder read and cancel the visit, and nobody else', async () => {
    const queueId = await newQueue();
    await joined(queueId, { name: 'ahead' });
    const { visit, visitToken } = await joined(queueId, { name: 'Ada' });

    expect(errorCode(await readVisit(visit.id, anonymous))).toBe('NOT_FOUND');
    expect(errorCode(await readVisit(visit.id, anonymous, `${visitToken}x`))).toBe('NOT_FOUND');
    expect(errorCode(await readVisit(visit.id, (await harness.createTenant()).staff('OWNER')))).toBe('NOT_FOUND');
    const mine = ok(await readVisit(visit.id, anonymous, visitToken)).visit;
    expect([mine.customerName, mine.position, mine.estimatedWaitMinutes]).toEqual(['Ada', 2, 10]);

    const summary = await harness.call<{ visit: { queue: { status: string; waitingCount: number } } }>(
      anonymous,
      'query($id: ID!, $t: String) { visit(id: $id, visitToken: $t) { queue { status waitingCount } } }',
      { id: visit.id, t: visitToken },
    );
    expect(ok(summary).visit.queue).toEqual({ status: 'OPEN', waitingCount: 2 });
    const line = await harness.call(anonymous, 'query($id: ID!, $t: String) { visit(id: $id, visitToken: $t) { queue { waiting { customerName } } } }', {
      id: visit.id,
      t: visitToken,
    });
    expect(errorCode(line)).toBe('FORBIDDEN');

    expect(errorCode(await harness.call(anonymous, cancelOp, { visitId: visit.id, visitToken: 'vt_guess' }))).toBe('NOT_FOUND');
    const cancelled = ok(await harness.call<{ cancelVisit: VisitData }>(anonymous, cancelOp, { visitId: visit.id, visitToken })).cancelVisit;
    expect(cancelled.status).toBe('CANCELLED');
    expect(cancelled.latestEstimateMinutes).toBe(10);
    const event = await harness.prisma.visitEvent.findFirstOrThrow({ where: { visitId: visit.id, toStatus: 'CANCELLED' } });
    expect([event.actorKind, event.actorId]).toEqual(['visit-token', null]);
    expect(errorCode(await harness.call(anonymous, cancelOp, { visitId: visit.id, visitToken }))).toBe('INVALID_TRANSITION');
  });
});
