import { randomUUID } from 'node:crypto';
import { anonymous, errorCode, ok, type SeededTenant } from '@waitlessq/testkit';
import { metricsRegistry } from '@waitlessq/observability';
import { startQueueHarness, type QueueHarness } from '../test-support/harness';
import { callNextOp, cancelOp, createQueueOp, joinOp, queueStatusOp } from '../test-support/operations';

// The queue summary a display screen polls, cached in the real Redis: a hit sends no
// statement, and every write to the queue or its line is followed by a fresh summary.

let harness: QueueHarness;
let tenant: SeededTenant;
const prefix = `summary-test:${randomUUID()}:`;

beforeAll(async () => {
  harness = await startQueueHarness({ CACHE_TTL_SECONDS: '60', REDIS_KEY_PREFIX: prefix });
  tenant = await harness.createTenant();
});
afterAll(() => harness?.close());

const summaryOp = `query($id: ID!) { queue(id: $id) { id status countersOpen waitingCount nextTickets(first: 3) } }`;

async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const values = (await metricsRegistry.getSingleMetric(name)?.get())?.values ?? [];
  return values.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((sum, v) => sum + v.value, 0);
}

/** Statements sent to PostgreSQL (any server), and the summary cache's hits, while `fn` runs. */
async function measure<T>(fn: () => Promise<T>) {
  const read = () => Promise.all([metric('wlq_db_statements_total', {}), metric('wlq_cache_requests_total', { cache: 'queue-summary', outcome: 'hit' })]);
  const [statementsBefore, hitsBefore] = await read();
  const result = await fn();
  const [statementsAfter, hitsAfter] = await read();
  return { result, statements: statementsAfter - statementsBefore, hits: hitsAfter - hitsBefore };
}

type Summary = { queue: { id: string; status: string; countersOpen: number; waitingCount: number; nextTickets: string[] } };

async function newQueue(): Promise<string> {
  return ok(
    await harness.call<{ createQueue: { id: string } }>(tenant.staff('MANAGER'), createQueueOp, { input: { businessId: tenant.businessId, name: 'Screen' } }),
  ).createQueue.id;
}
const screen = (queueId: string) => harness.call<Summary>(tenant.partner(), summaryOp, { id: queueId }).then((response) => ok(response).queue);
const join = async (queueId: string, name: string) =>
  ok(await harness.call<{ joinQueue: { visitToken: string; visit: { id: string } } }>(anonymous, joinOp, { input: { queueId, name } })).joinQueue;

describe('the queue summary cache', () => {
  it('answers a display screen from Redis: no statement on a hit, counted', async () => {
    const queueId = await newQueue();
    await join(queueId, 'Ada');
    const first = await measure(() => screen(queueId));
    expect(first.result).toEqual({ id: queueId, status: 'OPEN', countersOpen: 1, waitingCount: 1, nextTickets: ['A-001'] });
    expect(first.statements).toBeGreaterThan(0);
    const second = await measure(() => screen(queueId));
    expect(second.result).toEqual(first.result);
    expect(second).toMatchObject({ statements: 0, hits: 1 });
  });

  it('is fresh after every write to the queue or its line: read, write, read again', async () => {
    const queueId = await newQueue();
    const staff = tenant.staff('MANAGER');
    expect(await screen(queueId)).toMatchObject({ waitingCount: 0, nextTickets: [] });

    const visits = [];
    for (const name of ['Ada', 'Ben', 'Cleo', 'Dan']) {
      visits.push(await join(queueId, name));
      expect((await screen(queueId)).waitingCount).toBe(visits.length);
    }
    expect((await screen(queueId)).nextTickets).toEqual(['A-001', 'A-002', 'A-003']);

    ok(await harness.call(staff, callNextOp, { queueId }));
    expect(await screen(queueId)).toMatchObject({ waitingCount: 3, nextTickets: ['A-002', 'A-003', 'A-004'] });

    ok(await harness.call(anonymous, cancelOp, { visitId: visits[2].visit.id, visitToken: visits[2].visitToken }));
    expect(await screen(queueId)).toMatchObject({ waitingCount: 2, nextTickets: ['A-002', 'A-004'] });

    ok(await harness.call(staff, queueStatusOp('pauseQueue'), { queueId }));
    expect((await screen(queueId)).status).toBe('PAUSED');

    ok(await harness.call(staff, `mutation($q: ID!) { updateQueue(input: { queueId: $q, countersOpen: 3 }) { id } }`, { q: queueId }));
    expect((await screen(queueId)).countersOpen).toBe(3);
  });

  it('keeps names out of the cache and other organizations out of the queue', async () => {
    const queueId = await newQueue();
    await join(queueId, 'Zelda Secretname');
    await screen(queueId);
    const stored = await harness.runtime.redis.client!.get(`cache:queue-summary:${queueId}`);
    expect(stored).toContain('A-001');
    expect(stored).not.toContain('Secretname');
    expect(JSON.parse(stored!).d.queue.idempotencyKey).toBeNull();

    const stranger = await harness.createTenant();
    expect(errorCode(await harness.call(stranger.partner(), summaryOp, { id: queueId }))).toBe('NOT_FOUND');
    expect(errorCode(await harness.call(tenant.partner(), `query($id: ID!) { queue(id: $id) { nextTickets(first: 11) } }`, { id: queueId }))).toBe(
      'BAD_USER_INPUT',
    );
  });
});
