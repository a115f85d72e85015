import type { Identity } from '@waitlessq/auth';
import { errorCode, ok, type SeededTenant } from '@waitlessq/testkit';
import { startQueueHarness, type QueueHarness } from '../test-support/harness';
import { createQueueOp, joinOp } from '../test-support/operations';

// An idempotency key belongs to the caller who first used it, for the input it was used with
// (subgraph-kit idempotency.ts). Anonymous walk-ins are told apart by the fingerprint the
// gateway signs into their identity (its address and user agent, hashed).

jest.setTimeout(30_000);

let harness: QueueHarness;
let tenant: SeededTenant;

beforeAll(async () => {
  harness = await startQueueHarness();
  tenant = await harness.createTenant();
});
afterAll(() => harness?.close());

const walkIn = (clientFingerprint: string): Identity => ({ kind: 'anonymous', clientFingerprint });
type Joined = { joinQueue: { visitToken: string; visit: { id: string; ticket: string } } };
const join = (queueId: string, identity: Identity, input: Record<string, unknown>) =>
  harness.call<Joined>(identity, joinOp, { input: { queueId, name: 'Ada', ...input } });

async function newQueue(): Promise<string> {
  const { createQueue } = ok(
    await harness.call<{ createQueue: { id: string } }>(tenant.staff('MANAGER'), createQueueOp, { input: { businessId: tenant.businessId, name: 'Desk' } }),
  );
  return createQueue.id;
}
const visitsOf = (queueId: string) => harness.prisma.visit.count({ where: { queueId } });

describe('joinQueue with an idempotency key', () => {
  it("never gives another walk-in the first caller's visit or token, and refuses another input; a true retry gets the first visit", async () => {
    const queueId = await newQueue();
    const first = ok(await join(queueId, walkIn('phone-a'), { idempotencyKey: 'k-1' })).joinQueue;

    const stranger = await join(queueId, walkIn('phone-b'), { idempotencyKey: 'k-1' });
    expect(errorCode(stranger)).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(JSON.stringify(stranger)).not.toContain(first.visitToken);
    expect(JSON.stringify(stranger)).not.toContain(first.visit.id);
    const otherName = await join(queueId, walkIn('phone-b'), { idempotencyKey: 'k-1', name: 'Mallory' });
    expect(errorCode(otherName)).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(errorCode(await join(queueId, walkIn('phone-a'), { idempotencyKey: 'k-1', name: 'Bob' }))).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(errorCode(await join(queueId, tenant.staff('STAFF'), { idempotencyKey: 'k-1' }))).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await visitsOf(queueId)).toBe(1);

    // null and absent fields are the same input.
    const retry = ok(await join(queueId, walkIn('phone-a'), { idempotencyKey: 'k-1', notes: null })).joinQueue;
    expect(retry).toEqual(first);
    expect(await visitsOf(queueId)).toBe(1);
  });

  it('scopes the key to the signed-in customer', async () => {
    const queueId = await newQueue();
    const customer = tenant.customer();
    const first = ok(await join(queueId, customer, { idempotencyKey: 'c-1' })).joinQueue;
    expect(errorCode(await join(queueId, tenant.customer(), { idempotencyKey: 'c-1' }))).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(ok(await join(queueId, customer, { idempotencyKey: 'c-1' })).joinQueue.visit.id).toBe(first.visit.id);
    expect(await visitsOf(queueId)).toBe(1);
  });

  it('refuses the key of a row from before fingerprints (nobody can prove it is theirs)', async () => {
    const queueId = await newQueue();
    const first = ok(await join(queueId, walkIn('phone-a'), { idempotencyKey: 'legacy' })).joinQueue;
    await harness.prisma.visit.update({ where: { id: first.visit.id }, data: { idempotencyFingerprint: null } });
    expect(errorCode(await join(queueId, walkIn('phone-a'), { idempotencyKey: 'legacy' }))).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await visitsOf(queueId)).toBe(1);
  });
});

describe('createQueue with an idempotency key', () => {
  type Created = { createQueue: { id: string; name: string } };
  const create = (identity: Identity, input: Record<string, unknown>) =>
    harness.call<Created>(identity, createQueueOp, { input: { businessId: tenant.businessId, name: 'Desk', ...input } });
  const queuesWithKey = (key: string) => harness.prisma.queue.count({ where: { organizationId: tenant.organizationId, idempotencyKey: key } });

  it('answers a retry of the same manager, and refuses another manager or another input, writing nothing', async () => {
    const manager = tenant.staff('MANAGER');
    const first = ok(await create(manager, { idempotencyKey: 'q-scope', name: 'Front' })).createQueue;
    expect(errorCode(await create(tenant.staff('OWNER'), { idempotencyKey: 'q-scope', name: 'Front' }))).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(errorCode(await create(manager, { idempotencyKey: 'q-scope', name: 'Back' }))).toBe('IDEMPOTENCY_KEY_REUSED');
    const retries = await Promise.all([
      create(manager, { idempotencyKey: 'q-scope', name: 'Front' }),
      create(manager, { name: 'Front', idempotencyKey: 'q-scope' }),
    ]);
    for (const retry of retries) expect(ok(retry).createQueue.id).toBe(first.id);
    expect(await queuesWithKey('q-scope')).toBe(1);
  });
});
