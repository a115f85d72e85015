import { randomUUID } from 'node:crypto';
import type { JobRunner } from '@waitlessq/jobs';
import { type SeededTenant } from '@waitlessq/testkit';
import { startQueueHarness, type QueueHarness } from '../../subgraphs/queue/src/test-support/harness';
import { createHandlers } from './handlers';

// The retention job across the subgraphs, as the workers run it: the 'retention' handler reads
// the organization's window (business), then clears old visits (queue), old push subscriptions
// (pwa) and deletes customers with nothing in the window (user), each through its own code.

let harness: QueueHarness;
let handlers: ReturnType<typeof createHandlers>;
let runner: JobRunner | undefined;
const day = 86_400_000;
const job = { id: 'test', attempt: 1, maxAttempts: 3 };

beforeAll(async () => {
  harness = await startQueueHarness({ REDIS_KEY_PREFIX: `retention-test-${process.pid}-${Date.now()}:` });
  handlers = createHandlers(harness.runtime);
});

afterAll(async () => {
  await runner?.close(1_000);
  await harness?.close();
});

const ago = (days: number) => new Date(Date.now() - days * day);

/** One organization's people: what must go and what must stay under a 90-day window. */
async function seedPeople(tenant: SeededTenant) {
  const { prisma } = harness;
  const { organizationId, businessId } = tenant;
  await prisma.organization.update({ where: { id: organizationId }, data: { settings: { dataRetentionDays: 90, provisioningKey: 'k' } } });
  const queueId = (await prisma.queue.create({ data: { organizationId, businessId, name: 'Desk', timezone: 'UTC' } })).id;
  const customer = (name: string, createdDaysAgo: number) =>
    prisma.customer.create({
      data: { organizationId, name, email: `${name}-${randomUUID().slice(0, 6)}@example.com`, phone: '+4915100000001', createdAt: ago(createdDaysAgo) },
    });
  const visit = (customerId: string | null, daysAgo: number, status: 'DONE' | 'WAITING' = 'DONE') =>
    prisma.visit.create({
      data: {
        organizationId,
        businessId,
        queueId,
        customerId,
        status,
        customerName: 'Ann Example',
        customerPhone: '+4915100000001',
        customerEmail: 'ann@example.com',
        customerNotes: 'prefers the morning',
        internalNotes: 'regular',
        visitTokenHash: randomUUID(),
        locale: 'de',
        joinedAt: ago(daysAgo),
        lineAt: ago(daysAgo),
        calledAt: new Date(ago(daysAgo).getTime() + 600_000),
        doneAt: status === 'DONE' ? new Date(ago(daysAgo).getTime() + 1_200_000) : null,
        waitSeconds: 600,
        createdAt: ago(daysAgo),
      },
    });
  const session = (subjectId: string, createdDaysAgo: number) =>
    prisma.refreshSession.create({
      data: {
        familyId: randomUUID(),
        subjectKind: 'CUSTOMER',
        subjectId,
        organizationId,
        tokenHash: randomUUID(),
        expiresAt: ago(-30),
        createdAt: ago(createdDaysAgo),
      },
    });

  const onlyOld = await customer('only-old', 300); // a visit 200 days ago, nothing since: deleted
  const returning = await customer('returning', 300); // and a visit 10 days ago: kept
  const fresh = await customer('fresh', 10); // signed up inside the window: kept
  const signedIn = await customer('signed-in', 300); // no visit, but signed in 5 days ago: kept
  const waiting = await customer('waiting', 300); // in the line now, joined long ago: kept
  const gone = await customer('gone', 300); // nothing at all: deleted, with its session and push opt-out
  const oldVisit = await visit(onlyOld.id, 200);
  const oldVisitOfReturning = await visit(returning.id, 150);
  const recentVisit = await visit(returning.id, 10);
  const stillWaiting = await visit(waiting.id, 120, 'WAITING');
  await session(signedIn.id, 5);
  const goneSession = await session(gone.id, 200);
  await prisma.notificationOptOut.createMany({
    data: [
      { organizationId, channel: 'PUSH', address: `customer:${gone.id}`, source: 'PREFERENCES' },
      { organizationId, channel: 'SMS', address: '+4915100000001', source: 'SMS_STOP' },
    ],
  });
  const push = (visitId: string, daysAgo: number) =>
    prisma.pushSubscription.create({
      data: { organizationId, businessId, visitId, endpoint: `https://push.example/${randomUUID()}`, p256dh: 'k', auth: 'a', createdAt: ago(daysAgo) },
    });
  const oldPush = await push(oldVisit.id, 200);
  const recentPush = await push(recentVisit.id, 10);
  return { onlyOld, returning, fresh, signedIn, waiting, gone, oldVisit, oldVisitOfReturning, recentVisit, stillWaiting, goneSession, oldPush, recentPush };
}

/** Every row of the organization in the tables retention touches. */
async function snapshot(organizationId: string) {
  const { prisma } = harness;
  const where = { organizationId };
  const order = { id: 'asc' } as const;
  return {
    visits: await prisma.visit.findMany({ where, orderBy: order }),
    customers: await prisma.customer.findMany({ where, orderBy: order }),
    sessions: await prisma.refreshSession.findMany({ where, orderBy: order }),
    optOuts: await prisma.notificationOptOut.findMany({ where, orderBy: { address: 'asc' } }),
    push: await prisma.pushSubscription.findMany({ where, orderBy: order }),
  };
}

describe("the 'retention' job", () => {
  it("applies the organization's window in every subgraph: old visits anonymized, old push subscriptions and inactive customers deleted, the rest kept; a second run changes nothing", async () => {
    const tenant = await harness.createTenant({ timezone: 'UTC' });
    const bystander = await harness.createTenant({ timezone: 'UTC' });
    const seeded = await seedPeople(tenant);
    await seedPeople(bystander);
    const before = await snapshot(tenant.organizationId);
    const bystanderBefore = await snapshot(bystander.organizationId);

    await handlers.retention!({ organizationId: tenant.organizationId }, job);
    const after = await snapshot(tenant.organizationId);

    const cleared = {
      customerName: '',
      customerPhone: null,
      customerEmail: null,
      customerNotes: null,
      internalNotes: null,
      customerId: null,
      visitTokenHash: null,
      locale: null,
    };
    const visitOf = (rows: typeof before.visits, id: string) => rows.find((row) => row.id === id);
    for (const old of [seeded.oldVisit, seeded.oldVisitOfReturning])
      expect(visitOf(after.visits, old.id)).toEqual({ ...visitOf(before.visits, old.id), ...cleared });
    for (const kept of [seeded.recentVisit, seeded.stillWaiting]) expect(visitOf(after.visits, kept.id)).toEqual(visitOf(before.visits, kept.id));

    expect(after.customers.map((row) => row.id).sort()).toEqual([seeded.returning.id, seeded.fresh.id, seeded.signedIn.id, seeded.waiting.id].sort());
    expect(after.customers).toEqual(before.customers.filter((row) => row.id !== seeded.onlyOld.id && row.id !== seeded.gone.id));
    expect(after.sessions).toEqual(before.sessions.filter((row) => row.id !== seeded.goneSession.id));
    // The SMS refusal is a record about the address, not the account: it stays.
    expect(after.optOuts.map((row) => `${row.channel} ${row.address}`)).toEqual(['SMS +4915100000001']);
    expect(after.push.map((row) => row.id)).toEqual([seeded.recentPush.id]);

    // Another organization's rows are not touched by this organization's job.
    expect(await snapshot(bystander.organizationId)).toEqual(bystanderBefore);

    await handlers.retention!({ organizationId: tenant.organizationId }, job);
    expect(await snapshot(tenant.organizationId)).toEqual(after);

    // In the audit log once, as the system's, with what went.
    const audit = await harness.prisma.auditEntry.findMany({ where: { organizationId: tenant.organizationId, action: 'retention.applied' } });
    expect(audit).toEqual([
      expect.objectContaining({
        actorId: null,
        actorKind: 'SYSTEM',
        targetType: 'Organization',
        targetId: tenant.organizationId,
        detail: expect.objectContaining({ dataRetentionDays: 90, visits: 2, standbyEntries: 0, pushSubscriptions: 1, customers: 2 }),
      }),
    ]);
  });

  it('the daily sweep adds one job per organization and day, which the runner applies', async () => {
    const tenant = await harness.createTenant({ timezone: 'UTC' });
    const seeded = await seedPeople(tenant);
    const runs: string[] = [];
    runner = await harness.runtime.jobs.startRunner(
      {
        retention: async (data, context) => {
          runs.push(data.organizationId);
          await handlers.retention!(data, context);
        },
      },
      { repeat: false },
    );
    // Twice the same day: the second adds nothing (the job id names the organization and the day).
    await handlers['retention-sweep']!({}, job);
    await handlers['retention-sweep']!({}, job);
    const organizations = await harness.prisma.organization.count();
    const deadline = Date.now() + 20_000;
    while (runs.length < organizations && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(runs.filter((id) => id === tenant.organizationId)).toEqual([tenant.organizationId]);
    expect(runs.length).toBe(organizations);
    expect(await harness.prisma.customer.findUnique({ where: { id: seeded.gone.id } })).toBeNull();
    expect((await harness.prisma.visit.findUniqueOrThrow({ where: { id: seeded.oldVisit.id } })).customerName).toBe('');
  });
});
