import { anonymous, errorCode, graphql, ok, type SeededTenant } from '@waitlessq/testkit';
import { identityHeader } from '@waitlessq/auth';
import { startQueueHarness, type QueueHarness } from '../test-support/harness';
import { createQueueOp, joinOp, queueOp, queueStatusOp } from '../test-support/operations';

let harness: QueueHarness;
let tenant: SeededTenant;
let other: SeededTenant;

beforeAll(async () => {
  harness = await startQueueHarness();
  tenant = await harness.createTenant({ timezone: 'America/New_York' });
  other = await harness.createTenant();
});
afterAll(() => harness?.close());

type Created = {
  createQueue: { id: string; name: string; status: string; capacity: number | null; countersOpen: number; ticketPrefix: string; business: { id: string } };
};
const create = (input: Record<string, unknown>, identity = tenant.staff('MANAGER')) =>
  harness.call<Created>(identity, createQueueOp, { input: { businessId: tenant.businessId, name: 'Desk', ...input } });

describe('the identity header', () => {
  it('refuses a request without the signed header, or with one the gateway did not sign', async () => {
    const unsigned = await graphql(harness.url, { query: '{ queues(businessId: "x") { id } }' });
    expect(errorCode(unsigned)).toBe('UNAUTHENTICATED');
    const forged = await graphql(harness.url, {
      query: '{ queues(businessId: "x") { id } }',
      headers: { [identityHeader]: 'eyJhbGciOiJIUzI1NiJ9.e30.forged' },
    });
    expect(errorCode(forged)).toBe('UNAUTHENTICATED');
  });
});

describe('createQueue', () => {
  it("creates a queue for a MANAGER and copies the business's time zone", async () => {
    const queue = ok(await create({ name: 'Reception', capacity: 30, countersOpen: 2, ticketPrefix: 'RC' })).createQueue;
    expect(queue).toMatchObject({ name: 'Reception', status: 'OPEN', capacity: 30, countersOpen: 2, ticketPrefix: 'RC', business: { id: tenant.businessId } });
    expect((await harness.prisma.queue.findUniqueOrThrow({ where: { id: queue.id } })).timezone).toBe('America/New_York');
  });

  it('is idempotent per organization: a retry gets the first queue, another input IDEMPOTENCY_KEY_REUSED', async () => {
    const first = ok(await create({ idempotencyKey: 'q-1' })).createQueue;
    const again = ok(await create({ idempotencyKey: 'q-1' })).createQueue;
    expect(again.id).toBe(first.id);
    expect(errorCode(await create({ idempotencyKey: 'q-1', name: 'Another name' }))).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await harness.prisma.queue.count({ where: { organizationId: tenant.organizationId, idempotencyKey: 'q-1' } })).toBe(1);
  });

  it('needs MANAGER, a business of the caller, and a valid prefix', async () => {
    const before = await harness.prisma.queue.count();
    expect(errorCode(await create({}, tenant.staff('STAFF')))).toBe('FORBIDDEN');
    expect(errorCode(await create({}, anonymous))).toBe('UNAUTHENTICATED');
    expect(errorCode(await create({ businessId: other.businessId }))).toBe('NOT_FOUND');
    expect(errorCode(await create({ ticketPrefix: 'abc' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await create({ ticketPrefix: 'ABCD' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await create({ capacity: 0 }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await create({ serviceIds: [tenant.serviceIds[0], other.serviceIds[0]] }))).toBe('BAD_USER_INPUT');
    expect(await harness.prisma.queue.count()).toBe(before);
  });
});

describe('reading queues', () => {
  it("answers NOT_FOUND for another organization's queue, and for anonymous callers UNAUTHENTICATED", async () => {
    const queueId = ok(await create({})).createQueue.id;
    expect(errorCode(await harness.call(other.staff('OWNER'), queueOp, { id: queueId }))).toBe('NOT_FOUND');
    expect(errorCode(await harness.call(other.partner(), queueOp, { id: queueId }))).toBe('NOT_FOUND');
    expect(errorCode(await harness.call(anonymous, queueOp, { id: queueId }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await harness.call(tenant.staff('VIEWER'), queueOp, { id: 'not-a-uuid' }))).toBe('NOT_FOUND');
    expect(ok(await harness.call<{ queue: { id: string } }>(tenant.partner(), queueOp, { id: queueId })).queue.id).toBe(queueId);
  });

  it('shows customers the summary but not who is waiting', async () => {
    const queueId = ok(await create({})).createQueue.id;
    const customer = tenant.customer();
    const summary = await harness.call<{ queue: { waitingCount: number } }>(customer, 'query($id: ID!) { queue(id: $id) { waitingCount } }', { id: queueId });
    expect(ok(summary).queue.waitingCount).toBe(0);
    expect(errorCode(await harness.call(customer, queueOp, { id: queueId }))).toBe('FORBIDDEN');
  });

  it("lists a business's queues to its organization only, directly and through Business.queues", async () => {
    const queueId = ok(await create({ name: 'Listed' })).createQueue.id;
    const list = (identity = tenant.staff('VIEWER')) =>
      harness.call<{ queues: { id: string }[] }>(identity, 'query($b: ID!) { queues(businessId: $b) { id } }', { b: tenant.businessId });
    expect(ok(await list()).queues.map((queue) => queue.id)).toContain(queueId);
    expect(ok(await list(other.staff('OWNER'))).queues).toEqual([]);

    const entities = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Business { id queues { id } } } }`;
    const representations = [{ __typename: 'Business', id: tenant.businessId }];
    const mine = ok(await harness.call<{ _entities: { queues: { id: string }[] }[] }>(tenant.staff('VIEWER'), entities, { r: representations }));
    expect(mine._entities[0].queues.map((queue) => queue.id)).toContain(queueId);
    // Anonymous callers see the OPEN queues (public-queues.int.test.ts); another business's, none.
    const public_ = ok(await harness.call<{ _entities: { queues: { id: string }[] }[] }>(anonymous, entities, { r: representations }));
    expect(public_._entities[0].queues.map((queue) => queue.id)).toContain(queueId);
  });

  it("shows a customer's visits to the customer and to staff of the organization only", async () => {
    const queueId = ok(await create({})).createQueue.id;
    const customerId = '0d9c8b7a-6f5e-4d3c-8b2a-1f0e9d8c7b6a';
    for (let i = 0; i < 3; i += 1) ok(await harness.call(tenant.customer(customerId), joinOp, { input: { queueId, name: `Visit ${i}` } }));
    const entities = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { visits(first: 2) { ticket } } } }`;
    const visitsAs = async (identity: Parameters<QueueHarness['call']>[0]) =>
      ok(await harness.call<{ _entities: { visits: { ticket: string }[] }[] }>(identity, entities, { r: [{ __typename: 'Customer', id: customerId }] }))
        ._entities[0].visits;
    expect((await visitsAs(tenant.customer(customerId))).map((visit) => visit.ticket)).toEqual(['A-003', 'A-002']);
    expect(await visitsAs(tenant.staff('VIEWER'))).toHaveLength(2);
    expect(await visitsAs(tenant.customer())).toEqual([]);
    expect(await visitsAs(other.staff('OWNER'))).toEqual([]);
  });
});

describe('queue status and settings', () => {
  it('pauses and resumes for STAFF, closes and opens for MANAGER, and refuses the impossible', async () => {
    const queueId = ok(await create({})).createQueue.id;
    const staff = tenant.staff('STAFF');
    const status = async (mutation: Parameters<typeof queueStatusOp>[0], identity = staff) => {
      const response = await harness.call<Record<string, { status: string }>>(identity, queueStatusOp(mutation), { queueId });
      return errorCode(response) ?? response.data?.[mutation]?.status;
    };
    expect(await status('pauseQueue')).toBe('PAUSED');
    expect(await status('pauseQueue')).toBe('PAUSED');
    expect(await status('resumeQueue')).toBe('OPEN');
    expect(await status('closeQueue')).toBe('FORBIDDEN');
    expect(await status('closeQueue', tenant.staff('MANAGER'))).toBe('CLOSED');
    expect(await status('resumeQueue')).toBe('INVALID_TRANSITION');
    expect(await status('openQueue', tenant.staff('ADMIN'))).toBe('OPEN');
    expect(await status('pauseQueue', other.staff('OWNER'))).toBe('NOT_FOUND');
    expect(await status('pauseQueue', tenant.staff('VIEWER'))).toBe('FORBIDDEN');
  });

  it('updates capacity and counters; a null capacity removes the limit', async () => {
    const queueId = ok(await create({ capacity: 5 })).createQueue.id;
    const update = (input: Record<string, unknown>, identity = tenant.staff('MANAGER')) =>
      harness.call<{ updateQueue: { capacity: number | null; countersOpen: number } }>(
        identity,
        'mutation($input: UpdateQueueInput!) { updateQueue(input: $input) { capacity countersOpen } }',
        { input: { queueId, ...input } },
      );
    expect(ok(await update({ countersOpen: 3 })).updateQueue).toEqual({ capacity: 5, countersOpen: 3 });
    expect(ok(await update({ capacity: null })).updateQueue).toEqual({ capacity: null, countersOpen: 3 });
    expect(errorCode(await update({ countersOpen: -1 }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await update({ capacity: 9 }, tenant.staff('STAFF')))).toBe('FORBIDDEN');
    expect(errorCode(await update({ capacity: 9 }, other.staff('OWNER')))).toBe('NOT_FOUND');
  });

  it('sets the "getting close" position from 1 to 50 (3 by default); a bad one is BAD_USER_INPUT naming it, with nothing written', async () => {
    const queueId = ok(await create({ capacity: 5 })).createQueue.id;
    type Updated = { updateQueue: { notifyAtPosition: number; countersOpen: number } };
    const update = (input: Record<string, unknown>, identity = tenant.staff('MANAGER')) =>
      harness.call<Updated>(identity, 'mutation($input: UpdateQueueInput!) { updateQueue(input: $input) { notifyAtPosition countersOpen } }', {
        input: { queueId, ...input },
      });
    const read = async () =>
      ok(
        await harness.call<{ queue: { notifyAtPosition: number } }>(tenant.staff('VIEWER'), 'query($id: ID!) { queue(id: $id) { notifyAtPosition } }', {
          id: queueId,
        }),
      ).queue;
    expect(await read()).toEqual({ notifyAtPosition: 3 });
    expect(ok(await update({ notifyAtPosition: 1 })).updateQueue).toEqual({ notifyAtPosition: 1, countersOpen: 1 });
    expect(ok(await update({ notifyAtPosition: 50 })).updateQueue.notifyAtPosition).toBe(50);
    expect(await read()).toEqual({ notifyAtPosition: 50 });
    for (const bad of [0, 51, -3]) {
      const refused = await update({ notifyAtPosition: bad, countersOpen: 4 });
      expect(errorCode(refused)).toBe('BAD_USER_INPUT');
      expect(refused.errors?.[0]?.extensions?.field).toBe('notifyAtPosition');
    }
    // The whole update was refused: neither the threshold nor the counters sent with it changed.
    expect(await harness.prisma.queue.findUniqueOrThrow({ where: { id: queueId } })).toMatchObject({ notifyAtPosition: 50, countersOpen: 1 });
    expect(await read()).toEqual({ notifyAtPosition: 50 });
    expect(errorCode(await update({ notifyAtPosition: 5 }, tenant.staff('STAFF')))).toBe('FORBIDDEN');
    expect(errorCode(await update({ notifyAtPosition: 5 }, other.staff('OWNER')))).toBe('NOT_FOUND');
    expect((await harness.prisma.queue.findUniqueOrThrow({ where: { id: queueId } })).notifyAtPosition).toBe(50);
  });
});
