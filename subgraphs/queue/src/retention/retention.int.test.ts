import { randomUUID } from 'node:crypto';
import { ok, type SeededTenant } from '@waitlessq/testkit';
import { startQueueHarness, type QueueHarness } from '../test-support/harness';
import { seedFinishedVisits } from '../insights/history-seed';
import { rollUpPass } from '../insights/rollup';
import { applyVisitRetention, customersWithVisitsSince } from './retention';

// Retention of the queue subgraph's tables on a seeded history: what is older than the window
// loses its personal fields and nothing else; what is inside it, still going on, or another
// organization's, is not touched; insights answer the same before and after.

let harness: QueueHarness;
beforeAll(async () => {
  harness = await startQueueHarness();
});
afterAll(() => harness?.close());

const day = 86_400_000;
const personal = ['customerName', 'customerPhone', 'customerEmail', 'customerNotes', 'internalNotes', 'customerId', 'visitTokenHash', 'locale'] as const;
type Row = Record<string, unknown> & { id: string };

const insightsOp = `query($id: ID!, $from: DateTime!, $to: DateTime!) {
  _entities(representations: [{ __typename: "Business", id: $id }]) {
    ... on Business {
      insights(from: $from, to: $to, granularity: DAY) {
        joined served noShows cancelled abandoned abandonmentRate waitMinutes { p50 p90 } serviceMinutes { p50 p90 } busyHours
        etaError { meanAbsoluteMinutes biasMinutes samples }
        series { start joined served waitMinutes { p50 p90 } }
        byService { serviceId joined served serviceMinutes { p50 p90 } }
        byStaff { staffId joined served }
      }
    }
  }
}`;

const visitsOf = (organizationId: string) =>
  harness.prisma.$queryRaw<Row[]>`SELECT * FROM "Visit" WHERE "organizationId" = ${organizationId}::uuid ORDER BY "id"`;
const withoutPersonal = (row: Row) => Object.fromEntries(Object.entries(row).filter(([key]) => !(personal as readonly string[]).includes(key)));

async function rollUpAll(): Promise<void> {
  while ((await rollUpPass(harness.prisma, 2000)).visits > 0);
}

/** Gives every visit of the organization a name, contact details, notes, a customer, a token and a language. */
async function personalize(organizationId: string): Promise<void> {
  await harness.prisma.$executeRaw`
    UPDATE "Visit" SET "customerName" = 'Person ' || left("id"::text, 8), "customerPhone" = '+4915' || abs(hashtext("id"::text)),
      "customerEmail" = left("id"::text, 8) || '@example.com', "customerNotes" = 'allergic to penicillin', "internalNotes" = 'regular',
      "customerId" = gen_random_uuid(), "visitTokenHash" = md5("id"::text), "locale" = 'de-DE'
    WHERE "organizationId" = ${organizationId}::uuid`;
}

describe('applyVisitRetention', () => {
  let tenant: SeededTenant;
  let other: SeededTenant;
  let queueId: string;
  const now = Date.now();
  const cutoff = new Date(now - 365 * day);
  const oldFrom = new Date(
    Date.UTC(new Date(now - 400 * day).getUTCFullYear(), new Date(now - 400 * day).getUTCMonth(), new Date(now - 400 * day).getUTCDate()),
  );
  const oldPeriod = { from: oldFrom.toISOString(), to: new Date(oldFrom.getTime() + 30 * day).toISOString() };

  beforeAll(async () => {
    tenant = await harness.createTenant({ timezone: 'UTC', serviceMinutes: [10, 20] });
    other = await harness.createTenant({ timezone: 'UTC', serviceMinutes: [10] });
    queueId = (
      await harness.prisma.queue.create({ data: { organizationId: tenant.organizationId, businessId: tenant.businessId, name: 'Desk', timezone: 'UTC' } })
    ).id;
    const otherQueue = (
      await harness.prisma.queue.create({ data: { organizationId: other.organizationId, businessId: other.businessId, name: 'Desk', timezone: 'UTC' } })
    ).id;
    const staffIds = [randomUUID(), randomUUID()];
    // 300 finished visits a year and more ago, 60 in the last weeks; the other organization's are all old.
    await seedFinishedVisits(
      harness.prisma,
      { organizationId: tenant.organizationId, businessId: tenant.businessId, queueIds: [queueId], serviceIds: tenant.serviceIds, staffIds },
      { count: 300, from: oldFrom, days: 30, seed: 7 },
    );
    await seedFinishedVisits(
      harness.prisma,
      { organizationId: tenant.organizationId, businessId: tenant.businessId, queueIds: [queueId], serviceIds: tenant.serviceIds, staffIds },
      { count: 60, from: new Date(now - 20 * day), days: 10, seed: 8 },
    );
    await seedFinishedVisits(
      harness.prisma,
      { organizationId: other.organizationId, businessId: other.businessId, queueIds: [otherQueue], serviceIds: other.serviceIds, staffIds },
      { count: 40, from: oldFrom, days: 30, seed: 9 },
    );
    // An appointment booked long ago and not over yet keeps everything.
    await harness.prisma.visit.create({
      data: {
        organizationId: tenant.organizationId,
        businessId: tenant.businessId,
        queueId,
        kind: 'APPOINTMENT',
        status: 'BOOKED',
        customerName: 'x',
        createdAt: new Date(now - 380 * day),
      },
    });
    await personalize(tenant.organizationId);
    await personalize(other.organizationId);
  });

  it('clears the personal fields of ended visits older than the window and changes nothing else; insights answer the same', async () => {
    await rollUpAll();
    const before = await visitsOf(tenant.organizationId);
    const otherBefore = await visitsOf(other.organizationId);
    const insightsBefore = ok(await harness.call(tenant.staff('MANAGER'), insightsOp, { id: tenant.businessId, ...oldPeriod }));
    expect((insightsBefore as { _entities: [{ insights: { joined: number } }] })._entities[0].insights.joined).toBe(300);

    // History of an old visit: the customer's own action and a staff call.
    const oldVisit = before.find((row) => (row.createdAt as Date) < cutoff && row.status === 'DONE')!;
    const customerEvent = await harness.prisma.visitEvent.create({
      data: {
        visitId: oldVisit.id,
        organizationId: tenant.organizationId,
        queueId,
        toStatus: 'WAITING',
        actorId: oldVisit.customerId as string,
        actorKind: 'customer',
      },
    });
    const staffActor = randomUUID();
    const staffEvent = await harness.prisma.visitEvent.create({
      data: {
        visitId: oldVisit.id,
        organizationId: tenant.organizationId,
        queueId,
        fromStatus: 'WAITING',
        toStatus: 'CALLED',
        actorId: staffActor,
        actorKind: 'staff',
        detail: { counter: '3' },
      },
    });

    // Small batches: the loop, not one statement, does the work.
    const result = await applyVisitRetention(harness.prisma, tenant.organizationId, cutoff, 37);
    expect(result).toEqual({ visits: 300, visitEvents: 1, standbyEntries: 0 });

    const after = new Map((await visitsOf(tenant.organizationId)).map((row) => [row.id, row]));
    let anonymized = 0;
    for (const row of before) {
      const now = after.get(row.id)!;
      // Every other column, timings, statuses, estimates, rollup mark and updatedAt included, is as it was.
      expect(withoutPersonal(now)).toEqual(withoutPersonal(row));
      const old = (row.createdAt as Date) < cutoff && ['DONE', 'NO_SHOW', 'CANCELLED'].includes(row.status as string);
      if (old) {
        anonymized += 1;
        expect(Object.fromEntries(personal.map((key) => [key, now[key]]))).toEqual({
          customerName: '',
          customerPhone: null,
          customerEmail: null,
          customerNotes: null,
          internalNotes: null,
          customerId: null,
          visitTokenHash: null,
          locale: null,
        });
      } else {
        expect(now).toEqual(row);
      }
    }
    expect(anonymized).toBe(300);
    expect(await visitsOf(other.organizationId)).toEqual(otherBefore);

    expect(await harness.prisma.visitEvent.findUniqueOrThrow({ where: { id: customerEvent.id } })).toEqual({ ...customerEvent, actorId: null });
    expect(await harness.prisma.visitEvent.findUniqueOrThrow({ where: { id: staffEvent.id } })).toEqual(staffEvent);

    // Insights from the rollups, and again from the anonymized rows themselves (the rollups rebuilt from scratch): the same.
    expect(ok(await harness.call(tenant.staff('MANAGER'), insightsOp, { id: tenant.businessId, ...oldPeriod }))).toEqual(insightsBefore);
    await harness.prisma.$executeRaw`DELETE FROM "InsightsRollup" WHERE "businessId" = ${tenant.businessId}::uuid`;
    await harness.prisma.$executeRaw`DELETE FROM "InsightsDailyRollup" WHERE "businessId" = ${tenant.businessId}::uuid`;
    await harness.prisma.visit.updateMany({ where: { organizationId: tenant.organizationId }, data: { rolledUpAt: null } });
    await rollUpAll();
    expect(ok(await harness.call(tenant.staff('MANAGER'), insightsOp, { id: tenant.businessId, ...oldPeriod }))).toEqual(insightsBefore);

    // A second run finds nothing left to do.
    expect(await applyVisitRetention(harness.prisma, tenant.organizationId, cutoff, 37)).toEqual({ visits: 0, visitEvents: 0, standbyEntries: 0 });
  });

  it('clears finished standby entries older than the window, not those still waiting or inside it', async () => {
    const entry = (status: 'WAITING' | 'EXPIRED' | 'CANCELLED' | 'BOOKED', ageDays: number) =>
      harness.prisma.standbyEntry.create({
        data: {
          organizationId: tenant.organizationId,
          businessId: tenant.businessId,
          serviceId: tenant.serviceIds[0],
          queueId,
          customerId: randomUUID(),
          customerName: 'Ann',
          customerPhone: '+491511',
          customerEmail: 'ann@example.com',
          fromDay: new Date(now - ageDays * day),
          untilDay: new Date(now - ageDays * day + 7 * day),
          status,
          tokenHash: randomUUID(),
          createdAt: new Date(now - ageDays * day),
        },
      });
    const oldExpired = await entry('EXPIRED', 400);
    const oldBooked = await entry('BOOKED', 370);
    const oldWaiting = await entry('WAITING', 400);
    const recent = await entry('CANCELLED', 10);

    expect(await applyVisitRetention(harness.prisma, tenant.organizationId, cutoff)).toEqual({ visits: 0, visitEvents: 0, standbyEntries: 2 });
    for (const cleared of [oldExpired, oldBooked]) {
      expect(await harness.prisma.standbyEntry.findUniqueOrThrow({ where: { id: cleared.id } })).toEqual({
        ...cleared,
        customerId: null,
        customerName: '',
        customerPhone: null,
        customerEmail: null,
      });
    }
    for (const kept of [oldWaiting, recent]) expect(await harness.prisma.standbyEntry.findUniqueOrThrow({ where: { id: kept.id } })).toEqual(kept);
    expect((await applyVisitRetention(harness.prisma, tenant.organizationId, cutoff)).standbyEntries).toBe(0);
  });

  it('names the customers still needed: a visit or standby entry inside the window, or one still going on', async () => {
    const since = cutoff;
    const expected = await harness.prisma.$queryRaw<{ customerId: string }[]>`
      SELECT DISTINCT "customerId"::text FROM "Visit" WHERE "organizationId" = ${tenant.organizationId}::uuid AND "customerId" IS NOT NULL
        AND ("createdAt" >= ${since} OR "status" IN ('PENDING', 'BOOKED', 'WAITING', 'CALLED', 'SERVING'))
      UNION SELECT DISTINCT "customerId"::text FROM "StandbyEntry" WHERE "organizationId" = ${tenant.organizationId}::uuid AND "customerId" IS NOT NULL
        AND ("createdAt" >= ${since} OR "status" IN ('WAITING', 'OFFERED'))`;
    const ids = await customersWithVisitsSince(harness.prisma, tenant.organizationId, since);
    // 60 recent visits, the appointment booked long ago, the standby entry still waiting and the recent one.
    expect(ids.length).toBe(60 + 1 + 2);
    expect([...ids].sort()).toEqual(expected.map((row) => row.customerId).sort());
    expect(await customersWithVisitsSince(harness.prisma, other.organizationId, since)).toEqual([]);
  });
});
