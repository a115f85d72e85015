import { anonymous, errorCode, ok, type SeededTenant } from '@waitlessq/testkit';
import { startQueueHarness, type QueueHarness } from '../test-support/harness';
import { createQueueOp, joinOp, queueStatusOp } from '../test-support/operations';

// Public discovery: a customer's app shows a business's open queues, how many wait and what a
// newcomer would wait, to anyone, and never the people in line.

let harness: QueueHarness;
let tenant: SeededTenant;

beforeAll(async () => {
  harness = await startQueueHarness();
  tenant = await harness.createTenant({ serviceMinutes: [12] });
});
afterAll(() => harness?.close());

type PublicQueue = { id: string; name: string; status: string; waitingCount: number; estimatedWaitMinutes: number | null };
const businessQueues = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Business { queues { id name status waitingCount estimatedWaitMinutes } } } }`;
const publicQueues = async () =>
  ok(await harness.call<{ _entities: { queues: PublicQueue[] }[] }>(anonymous, businessQueues, { r: [{ __typename: 'Business', id: tenant.businessId }] }))
    ._entities[0].queues;

async function createQueue(name: string, countersOpen = 1): Promise<string> {
  const created = await harness.call<{ createQueue: { id: string } }>(tenant.staff('MANAGER'), createQueueOp, {
    input: { businessId: tenant.businessId, name, countersOpen },
  });
  return ok(created).createQueue.id;
}

describe('Business.queues for anonymous callers', () => {
  it('lists the open queues with their waiting count and the wait of a newcomer; paused and closed ones are left out', async () => {
    const open = await createQueue('Walk-ins', 2);
    const paused = await createQueue('Break');
    const closed = await createQueue('Evening');
    ok(await harness.call(tenant.staff('MANAGER'), queueStatusOp('pauseQueue'), { queueId: paused }));
    ok(await harness.call(tenant.staff('MANAGER'), queueStatusOp('closeQueue'), { queueId: closed }));

    expect((await publicQueues()).find((queue) => queue.id === open)).toEqual({
      id: open,
      name: 'Walk-ins',
      status: 'OPEN',
      waitingCount: 0,
      estimatedWaitMinutes: 0,
    });
    for (const name of ['Ana', 'Ben', 'Cem']) {
      ok(await harness.call(anonymous, joinOp, { input: { queueId: open, name, serviceId: tenant.serviceIds[0] } }));
    }
    const listed = await publicQueues();
    expect(listed.map((queue) => queue.id)).toEqual([open]);
    // Three visits of 12 minutes ahead, shared by two counters: 18 minutes.
    expect(listed[0]).toMatchObject({ waitingCount: 3, estimatedWaitMinutes: 18 });
  });

  it('never shows the people in line', async () => {
    const queueId = await createQueue('Private line');
    ok(await harness.call(anonymous, joinOp, { input: { queueId, name: 'Dora' } }));
    const waiting = await harness.call(
      anonymous,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Business { queues { waiting { customerName } } } } }`,
      {
        r: [{ __typename: 'Business', id: tenant.businessId }],
      },
    );
    expect(errorCode(waiting)).toBe('FORBIDDEN');
    expect(JSON.stringify(waiting)).not.toContain('Dora');
    const serving = await harness.call(
      anonymous,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Business { queues { servingNow { customerName } } } } }`,
      {
        r: [{ __typename: 'Business', id: tenant.businessId }],
      },
    );
    expect(errorCode(serving)).toBe('FORBIDDEN');
  });
});
