import { randomUUID } from 'node:crypto';
import type { Prisma } from '@waitlessq/database';
import { errorCode, ok, type SeededTenant } from '@waitlessq/testkit';
import { startQueueHarness, type QueueHarness } from '../test-support/harness';
import { histogramCap } from './histogram';
import { seedFinishedVisits, type HistoryTarget } from './history-seed';
import { rollUpFinishedVisits, rollUpPass } from './rollup';

// Seeds up to 200,000 visits in bulk and rolls them up, on 2 shared cores.
jest.setTimeout(240_000);

let harness: QueueHarness;
beforeAll(async () => {
  harness = await startQueueHarness();
});
afterAll(() => harness?.close());

const figures = `joined served noShows cancelled abandoned abandonmentRate waitMinutes { p50 p90 } serviceMinutes { p50 p90 } throughputPerHour
  etaError { meanAbsoluteMinutes meanAbsoluteLatestMinutes biasMinutes samples }`;
const insightsOp = `query($id: ID!, $from: DateTime!, $to: DateTime!, $granularity: InsightsGranularity, $serviceId: ID, $queueId: ID, $staffId: ID) {
  _entities(representations: [{ __typename: "Business", id: $id }]) {
    ... on Business {
      insights(from: $from, to: $to, granularity: $granularity, serviceId: $serviceId, queueId: $queueId, staffId: $staffId) {
        from to granularity timezone ${figures} busyHours
        series { start ${figures} }
        byService { serviceId ${figures} }
        byStaff { staffId ${figures} }
      }
    }
  }
}`;
const csvOp = `query($id: ID!, $from: DateTime!, $to: DateTime!) {
  _entities(representations: [{ __typename: "Business", id: $id }]) { ... on Business { insightsCsv(from: $from, to: $to) } }
}`;

interface Figures {
  joined: number;
  served: number;
  noShows: number;
  cancelled: number;
  abandoned: number;
  abandonmentRate: number | null;
  waitMinutes: { p50: number | null; p90: number | null };
  serviceMinutes: { p50: number | null; p90: number | null };
  throughputPerHour: number | null;
  etaError: { meanAbsoluteMinutes: number | null; meanAbsoluteLatestMinutes: number | null; biasMinutes: number | null; samples: number };
}
interface Insights extends Figures {
  timezone: string;
  busyHours: number[][];
  series: (Figures & { start: string })[];
  byService: (Figures & { serviceId: string | null })[];
  byStaff: (Figures & { staffId: string | null })[];
}

type Variables = { from: string; to: string; granularity?: string; serviceId?: string; queueId?: string; staffId?: string };
const ask = (tenant: SeededTenant, variables: Variables, role: 'MANAGER' | 'STAFF' | 'OWNER' = 'MANAGER') =>
  harness.call<{ _entities: [{ insights: Insights }] }>(tenant.staff(role), insightsOp, { id: tenant.businessId, ...variables });
const insightsOf = async (tenant: SeededTenant, variables: Variables) => ok(await ask(tenant, variables))._entities[0].insights;

async function newQueue(tenant: SeededTenant, timezone: string): Promise<string> {
  const queue = await harness.prisma.queue.create({ data: { organizationId: tenant.organizationId, businessId: tenant.businessId, name: 'Desk', timezone } });
  return queue.id;
}

/** Rolls up everything finished (the harness's own timer may take some batches meanwhile). */
async function rollUpAll(): Promise<void> {
  while ((await rollUpPass(harness.prisma, 2000)).visits > 0);
}

const at = (iso: string) => new Date(iso);
const minutes = (m: number) => m * 60_000;

describe('Business.insights on a hand-made day (Europe/Berlin, CET)', () => {
  let tenant: SeededTenant;
  const staffA = randomUUID();
  const staffB = randomUUID();

  beforeAll(async () => {
    tenant = await harness.createTenant({ timezone: 'Europe/Berlin', serviceMinutes: [10, 20] });
    const queueId = await newQueue(tenant, 'Europe/Berlin');
    const [s1, s2] = tenant.serviceIds;
    const base = { organizationId: tenant.organizationId, businessId: tenant.businessId, queueId, customerName: 'Guest' };
    // Monday 2 March 2026; Berlin is UTC+1. Joined 09:10, 09:20, 09:40, 10:05, 10:30 local; one appointment for 11:00 cancelled before check-in.
    const served = (id: number, joined: string, waitMin: number, serviceMin: number, staff: string, serviceId: string, first: number, latest: number) => {
      const joinedAt = at(joined);
      const calledAt = new Date(joinedAt.getTime() + minutes(waitMin));
      const servedAt = new Date(calledAt.getTime() + minutes(1));
      return {
        ...base,
        customerName: `Served ${id}`,
        status: 'DONE' as const,
        serviceId,
        calledById: staff,
        joinedAt,
        lineAt: joinedAt,
        calledAt,
        servedAt,
        doneAt: new Date(servedAt.getTime() + minutes(serviceMin)),
        waitSeconds: waitMin * 60,
        firstEstimateMinutes: first,
        latestEstimateMinutes: latest,
      };
    };
    const data: Prisma.VisitCreateManyInput[] = [
      served(1, '2026-03-02T08:10:00Z', 5, 10, staffA, s1, 7, 2),
      served(2, '2026-03-02T08:20:00Z', 12, 4, staffA, s1, 10, 0),
      {
        ...base,
        status: 'CANCELLED',
        serviceId: s2,
        joinedAt: at('2026-03-02T08:40:00Z'),
        lineAt: at('2026-03-02T08:40:00Z'),
        cancelledAt: at('2026-03-02T08:50:00Z'),
      },
      {
        ...base,
        status: 'NO_SHOW',
        joinedAt: at('2026-03-02T09:05:00Z'),
        lineAt: at('2026-03-02T09:05:00Z'),
        calledById: staffB,
        calledAt: at('2026-03-02T09:07:00Z'),
        noShowAt: at('2026-03-02T09:12:00Z'),
        waitSeconds: 120,
        firstEstimateMinutes: 3,
        latestEstimateMinutes: 1,
      },
      served(5, '2026-03-02T09:30:00Z', 30, 20, staffB, s2, 20, 5),
      { ...base, status: 'CANCELLED', kind: 'APPOINTMENT', serviceId: s1, scheduledAt: at('2026-03-02T10:00:00Z'), cancelledAt: at('2026-03-01T12:00:00Z') },
      // Still waiting: not final, so not counted.
      { ...base, status: 'WAITING', joinedAt: at('2026-03-02T09:50:00Z'), lineAt: at('2026-03-02T09:50:00Z') },
    ];
    await harness.prisma.visit.createMany({ data });
    await rollUpAll();
  });

  const week = { from: '2026-03-01T23:00:00Z', to: '2026-03-04T23:00:00Z' };

  it('answers the hand-computed figures', async () => {
    const insights = await insightsOf(tenant, week);
    expect(insights).toMatchObject({
      timezone: 'Europe/Berlin',
      joined: 5,
      served: 3,
      noShows: 1,
      cancelled: 2,
      abandoned: 1,
      abandonmentRate: 0.2,
      // Waits 2, 5, 12, 30: p50 is the 2nd (5), p90 the 4th (30). Services 4, 10, 20: p50 10, p90 20.
      waitMinutes: { p50: 5, p90: 30 },
      serviceMinutes: { p50: 10, p90: 20 },
      // 3 served over the local hours 09, 10 and 11 that had visits.
      throughputPerHour: 1,
      // First estimate - wait: 7-5, 10-12, 3-2, 20-30 => |.| mean 15/4, mean -9/4; latest: |2-5|+|0-12|+|1-2|+|5-30| = 41 over 4.
      etaError: { meanAbsoluteMinutes: 3.75, biasMinutes: -2.25, meanAbsoluteLatestMinutes: 10.25, samples: 4 },
    });
    // Monday is row 0: 3 joins at 09:00 local, 2 at 10:00 (the appointment never joined).
    const busy = insights.busyHours.flatMap((hours, day) => hours.map((count, hour) => ({ day, hour, count }))).filter((cell) => cell.count > 0);
    expect(insights.busyHours).toHaveLength(7);
    expect(insights.busyHours.every((hours) => hours.length === 24)).toBe(true);
    expect(busy).toEqual([
      { day: 0, hour: 9, count: 3 },
      { day: 0, hour: 10, count: 2 },
    ]);
    expect(insights.series.map((bucket) => [bucket.start, bucket.joined])).toEqual([
      ['2026-03-01T23:00:00.000Z', 5],
      ['2026-03-02T23:00:00.000Z', 0],
      ['2026-03-03T23:00:00.000Z', 0],
    ]);
    expect(insights.series[1]).toMatchObject({ abandonmentRate: null, waitMinutes: { p50: null, p90: null }, etaError: { samples: 0, biasMinutes: null } });
  });

  it('breaks the figures down per staff member and per service, and filters by them', async () => {
    const insights = await insightsOf(tenant, week);
    const byStaff = Object.fromEntries(insights.byStaff.map((entry) => [entry.staffId ?? 'none', entry]));
    expect(byStaff[staffA]).toMatchObject({ joined: 2, served: 2, waitMinutes: { p50: 5, p90: 12 }, serviceMinutes: { p50: 4, p90: 10 } });
    expect(byStaff[staffB]).toMatchObject({ joined: 2, served: 1, noShows: 1, waitMinutes: { p50: 2, p90: 30 } });
    expect(byStaff.none).toMatchObject({ joined: 1, cancelled: 2, abandoned: 1, waitMinutes: { p50: null } });
    const [s1, s2] = tenant.serviceIds;
    expect(insights.byService.map((entry) => [entry.serviceId, entry.joined, entry.cancelled])).toEqual(
      expect.arrayContaining([
        [s1, 2, 1],
        [s2, 2, 1],
        [null, 1, 0],
      ]),
    );
    const filtered = await insightsOf(tenant, { ...week, staffId: staffB, serviceId: s2 });
    expect(filtered).toMatchObject({ joined: 1, served: 1, waitMinutes: { p50: 30, p90: 30 }, byStaff: [{ staffId: staffB, joined: 1 }] });
  });

  it('exports the same figures as CSV', async () => {
    const response = await harness.call<{ _entities: [{ insightsCsv: string }] }>(tenant.staff('MANAGER'), csvOp, { id: tenant.businessId, ...week });
    const lines = ok(response)._entities[0].insightsCsv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'section,start,serviceId,staffId,joined,served,noShows,cancelled,abandoned,abandonmentRate,waitP50Minutes,waitP90Minutes,serviceP50Minutes,serviceP90Minutes,throughputPerHour,etaMeanAbsoluteMinutes,etaMeanAbsoluteLatestMinutes,etaBiasMinutes,etaSamples',
    );
    expect(lines[1]).toBe('total,2026-03-02T00:00:00.000+01:00,,,5,3,1,2,1,0.2,5,30,10,20,1,3.75,10.25,-2.25,4');
    expect(lines[2]).toBe('bucket,2026-03-02T00:00:00.000+01:00,,,5,3,1,2,1,0.2,5,30,10,20,1,3.75,10.25,-2.25,4');
    expect(lines[3]).toBe('bucket,2026-03-03T00:00:00.000+01:00,,,0,0,0,0,0,,,,,,,,,,0');
    expect(lines.filter((line) => line.startsWith('staff,'))).toHaveLength(3);
  });

  it("is for MANAGER or higher of the business's organization; bad input names its field", async () => {
    expect(errorCode(await ask(tenant, week, 'STAFF'))).toBe('FORBIDDEN');
    expect(ok(await ask(tenant, week, 'OWNER'))._entities[0].insights.joined).toBe(5);
    const stranger = await harness.createTenant();
    const foreign = await harness.call(stranger.staff('OWNER'), insightsOp, { id: tenant.businessId, ...week });
    expect(errorCode(foreign)).toBe('NOT_FOUND');
    const backwards = await ask(tenant, { from: week.to, to: week.from });
    expect([errorCode(backwards), backwards.errors?.[0]?.extensions?.field]).toEqual(['BAD_USER_INPUT', 'to']);
    const tooLong = await ask(tenant, { from: '2026-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z', granularity: 'HOUR' });
    expect([errorCode(tooLong), tooLong.errors?.[0]?.extensions?.field]).toEqual(['BAD_USER_INPUT', 'to']);
    const badService = await ask(tenant, { ...week, serviceId: 'nope' });
    expect([errorCode(badService), badService.errors?.[0]?.extensions?.field]).toEqual(['BAD_USER_INPUT', 'serviceId']);
  });
});

describe("Business.insights in the business's zone", () => {
  it('counts a DST day in Europe/Berlin as one day of 25 hours, the two 02:00 hours apart', async () => {
    const tenant = await harness.createTenant({ timezone: 'Europe/Berlin' });
    const queueId = await newQueue(tenant, 'Europe/Berlin');
    const base = { organizationId: tenant.organizationId, businessId: tenant.businessId, queueId, customerName: 'Guest', status: 'CANCELLED' as const };
    // Sunday 25 October 2026: 01:30 CEST, 02:30 CEST, 02:30 CET, 23:30 CET; and 00:30 CET on Monday.
    const joins = ['2026-10-24T23:30:00Z', '2026-10-25T00:30:00Z', '2026-10-25T01:30:00Z', '2026-10-25T22:30:00Z', '2026-10-25T23:30:00Z'];
    await harness.prisma.visit.createMany({ data: joins.map((joined) => ({ ...base, joinedAt: at(joined), lineAt: at(joined), cancelledAt: at(joined) })) });
    await rollUpAll();

    const days = await insightsOf(tenant, { from: '2026-10-24T22:00:00Z', to: '2026-10-26T23:00:00Z' });
    expect(days.series.map((bucket) => [bucket.start, bucket.joined])).toEqual([
      ['2026-10-24T22:00:00.000Z', 4],
      ['2026-10-25T23:00:00.000Z', 1],
    ]);
    const hours = await insightsOf(tenant, { from: '2026-10-24T22:00:00Z', to: '2026-10-25T23:00:00Z', granularity: 'HOUR' });
    expect(hours.series).toHaveLength(25);
    expect(hours.series.filter((bucket) => bucket.joined > 0).map((bucket) => bucket.start)).toEqual([
      '2026-10-24T23:00:00.000Z',
      '2026-10-25T00:00:00.000Z',
      '2026-10-25T01:00:00.000Z',
      '2026-10-25T22:00:00.000Z',
    ]);
    // Sunday (row 6): 01:00 once, 02:00 twice (both of them), 23:00 once; Monday 00:00 once.
    expect(days.busyHours[6][1]).toBe(1);
    expect(days.busyHours[6][2]).toBe(2);
    expect(days.busyHours[6][23]).toBe(1);
    expect(days.busyHours[0][0]).toBe(1);
  });

  it('follows the half-hour offset of Asia/Kolkata exactly', async () => {
    const tenant = await harness.createTenant({ timezone: 'Asia/Kolkata' });
    const queueId = await newQueue(tenant, 'Asia/Kolkata');
    const base = { organizationId: tenant.organizationId, businessId: tenant.businessId, queueId, customerName: 'Guest', status: 'CANCELLED' as const };
    // 15:50 and 16:10 local (UTC+05:30), and 23:50 local on Monday, which is Monday 18:20 UTC: still Monday there.
    const joins = ['2026-03-02T10:20:00Z', '2026-03-02T10:40:00Z', '2026-03-02T18:20:00Z'];
    await harness.prisma.visit.createMany({ data: joins.map((joined) => ({ ...base, joinedAt: at(joined), lineAt: at(joined), cancelledAt: at(joined) })) });
    await rollUpAll();
    const hours = await insightsOf(tenant, { from: '2026-03-01T18:30:00Z', to: '2026-03-02T18:30:00Z', granularity: 'HOUR' });
    expect(hours.series).toHaveLength(24);
    expect(hours.series.filter((bucket) => bucket.joined > 0).map((bucket) => bucket.start)).toEqual([
      '2026-03-02T09:30:00.000Z',
      '2026-03-02T10:30:00.000Z',
      '2026-03-02T17:30:00.000Z',
    ]);
    expect([hours.busyHours[0][15], hours.busyHours[0][16], hours.busyHours[0][23], hours.busyHours[1][0]]).toEqual([1, 1, 1, 0]);
    const days = await insightsOf(tenant, { from: '2026-03-01T18:30:00Z', to: '2026-03-03T18:30:00Z' });
    expect(days.series.map((bucket) => [bucket.start, bucket.joined])).toEqual([
      ['2026-03-01T18:30:00.000Z', 3],
      ['2026-03-02T18:30:00.000Z', 0],
    ]);
  });
});

async function seededTenant(timezone = 'Europe/Berlin'): Promise<{ tenant: SeededTenant; target: HistoryTarget }> {
  const tenant = await harness.createTenant({ timezone, serviceMinutes: [10, 15, 30] });
  const queueIds = [await newQueue(tenant, timezone), await newQueue(tenant, timezone)];
  const staffIds = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  return { tenant, target: { organizationId: tenant.organizationId, businessId: tenant.businessId, queueIds, serviceIds: tenant.serviceIds, staffIds } };
}

interface ReferenceRow {
  key: string | null;
  joined: number;
  served: number;
  noShows: number;
  cancelled: number;
  abandoned: number;
  hours: number;
  waitP50: number | null;
  waitP90: number | null;
  serviceP50: number | null;
  serviceP90: number | null;
  etaSamples: number;
  etaAbs: number;
  etaSigned: number;
  latestSamples: number;
  latestAbs: number;
}

/** The reference: the same figures straight from the visits, grouped by `key` (an SQL expression over v). */
async function fromRawRows(
  businessId: string,
  timezone: string,
  from: string,
  to: string,
  key: 'day' | 'service' | 'staff' | 'total',
): Promise<Map<string | null, Figures>> {
  const keySql = {
    day: `to_char((date_trunc('day', (a."anchor" AT TIME ZONE 'UTC') AT TIME ZONE '${timezone}') AT TIME ZONE '${timezone}') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
    service: `a."serviceId"::text`,
    staff: `a."calledById"::text`,
    total: `NULL::text`,
  }[key];
  const rows = await harness.prisma.$queryRawUnsafe<ReferenceRow[]>(
    `
    WITH a AS (
      SELECT v.*, coalesce(v."joinedAt", v."scheduledAt", v."createdAt") AS "anchor",
             least(floor(v."waitSeconds" / 60.0), ${histogramCap}) AS "waitMinute",
             least(floor(extract(epoch FROM v."doneAt" - v."servedAt") / 60), ${histogramCap}) AS "serviceMinute"
      FROM "Visit" v
      WHERE v."businessId" = $1::uuid AND v."status" IN ('DONE', 'NO_SHOW', 'CANCELLED')
    )
    SELECT ${keySql} AS "key",
      count(*) FILTER (WHERE "joinedAt" IS NOT NULL)::int AS "joined",
      count(*) FILTER (WHERE "status" = 'DONE')::int AS "served",
      count(*) FILTER (WHERE "status" = 'NO_SHOW')::int AS "noShows",
      count(*) FILTER (WHERE "status" = 'CANCELLED')::int AS "cancelled",
      count(*) FILTER (WHERE "status" = 'CANCELLED' AND "joinedAt" IS NOT NULL AND "calledAt" IS NULL)::int AS "abandoned",
      count(DISTINCT date_trunc('hour', "anchor"))::int AS "hours",
      (percentile_disc(0.5) WITHIN GROUP (ORDER BY "waitMinute") FILTER (WHERE "waitSeconds" IS NOT NULL))::int AS "waitP50",
      (percentile_disc(0.9) WITHIN GROUP (ORDER BY "waitMinute") FILTER (WHERE "waitSeconds" IS NOT NULL))::int AS "waitP90",
      (percentile_disc(0.5) WITHIN GROUP (ORDER BY "serviceMinute") FILTER (WHERE "status" = 'DONE'))::int AS "serviceP50",
      (percentile_disc(0.9) WITHIN GROUP (ORDER BY "serviceMinute") FILTER (WHERE "status" = 'DONE'))::int AS "serviceP90",
      count(*) FILTER (WHERE "waitSeconds" IS NOT NULL AND "firstEstimateMinutes" IS NOT NULL)::int AS "etaSamples",
      coalesce(sum(abs("firstEstimateMinutes" * 60 - "waitSeconds")), 0)::float8 AS "etaAbs",
      coalesce(sum("firstEstimateMinutes" * 60 - "waitSeconds"), 0)::float8 AS "etaSigned",
      count(*) FILTER (WHERE "waitSeconds" IS NOT NULL AND "latestEstimateMinutes" IS NOT NULL)::int AS "latestSamples",
      coalesce(sum(abs("latestEstimateMinutes" * 60 - "waitSeconds")), 0)::float8 AS "latestAbs"
    FROM a WHERE "anchor" >= $2::timestamp(3) AND "anchor" < $3::timestamp(3)
    GROUP BY 1`,
    businessId,
    from,
    to,
  );
  const ratio = (part: number, whole: number, digits: number) => (whole > 0 ? Number((part / whole).toFixed(digits)) : null);
  return new Map(
    rows.map((row) => [
      row.key,
      {
        joined: row.joined,
        served: row.served,
        noShows: row.noShows,
        cancelled: row.cancelled,
        abandoned: row.abandoned,
        abandonmentRate: ratio(row.abandoned, row.joined, 4),
        waitMinutes: { p50: row.waitP50, p90: row.waitP90 },
        serviceMinutes: { p50: row.serviceP50, p90: row.serviceP90 },
        throughputPerHour: ratio(row.served, row.hours, 2),
        etaError: {
          meanAbsoluteMinutes: ratio(row.etaAbs / 60, row.etaSamples, 2),
          meanAbsoluteLatestMinutes: ratio(row.latestAbs / 60, row.latestSamples, 2),
          biasMinutes: ratio(row.etaSigned / 60, row.etaSamples, 2),
          samples: row.etaSamples,
        },
      },
    ]),
  );
}

const figuresOf = ({
  joined,
  served,
  noShows,
  cancelled,
  abandoned,
  abandonmentRate,
  waitMinutes,
  serviceMinutes,
  throughputPerHour,
  etaError,
}: Figures): Figures => ({ joined, served, noShows, cancelled, abandoned, abandonmentRate, waitMinutes, serviceMinutes, throughputPerHour, etaError });

describe('rollups against raw rows', () => {
  it('give the same figures as the visits themselves: total, every day, every service and staff member', async () => {
    const { tenant, target } = await seededTenant();
    await seedFinishedVisits(harness.prisma, target, { count: 6000, from: at('2026-01-05T00:00:00Z'), days: 40 });
    await rollUpAll();
    const period = { from: '2026-01-04T23:00:00Z', to: '2026-02-14T23:00:00Z' };
    const insights = await insightsOf(tenant, period);
    const raw = (key: 'day' | 'service' | 'staff' | 'total') => fromRawRows(tenant.businessId, 'Europe/Berlin', period.from, period.to, key);

    expect(figuresOf(insights)).toEqual((await raw('total')).get(null));
    expect(insights.joined).toBeGreaterThan(5000);
    const days = await raw('day');
    expect(days.size).toBe(40);
    for (const bucket of insights.series) {
      if (bucket.joined + bucket.cancelled + bucket.noShows === 0) expect(days.has(bucket.start)).toBe(false);
      else expect([bucket.start, figuresOf(bucket)]).toEqual([bucket.start, days.get(bucket.start)]);
    }
    const services = await raw('service');
    expect(insights.byService).toHaveLength(services.size);
    for (const entry of insights.byService) expect(figuresOf(entry)).toEqual(services.get(entry.serviceId));
    const staff = await raw('staff');
    expect(insights.byStaff).toHaveLength(staff.size);
    for (const entry of insights.byStaff) expect(figuresOf(entry)).toEqual(staff.get(entry.staffId));
  });

  it('counts each visit once when two rollups run at once, and again adds nothing', async () => {
    const { tenant, target } = await seededTenant();
    await seedFinishedVisits(harness.prisma, target, { count: 3000, from: at('2026-04-06T00:00:00Z'), days: 10, seed: 7 });
    const drain = async () => {
      let visits = 0;
      for (let result = await rollUpFinishedVisits(harness.prisma, 100); result.visits > 0; result = await rollUpFinishedVisits(harness.prisma, 100))
        visits += result.visits;
      return visits;
    };
    const [first, second] = await Promise.all([drain(), drain()]);
    // Both took part (SKIP LOCKED shares the batches); the harness's own timer may have taken some too.
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(0);
    expect(first + second).toBeLessThanOrEqual(3000);
    const period = { from: '2026-04-05T22:00:00Z', to: '2026-04-16T22:00:00Z' };
    const totals = async () =>
      harness.prisma.$queryRaw<{ joined: number; served: number; waits: number }[]>`
        SELECT sum("joined")::int AS "joined", sum("served")::int AS "served",
               (SELECT sum(n)::int FROM "InsightsRollup" r2, unnest(r2."waitHistogram") n WHERE r2."businessId" = ${tenant.businessId}::uuid) AS "waits"
        FROM "InsightsRollup" WHERE "businessId" = ${tenant.businessId}::uuid`;
    const [raw] = await harness.prisma.$queryRaw<{ joined: number; served: number; waits: number }[]>`
      SELECT count(*)::int AS "joined", count(*) FILTER (WHERE "status" = 'DONE')::int AS "served", count("waitSeconds")::int AS "waits"
      FROM "Visit" WHERE "businessId" = ${tenant.businessId}::uuid`;
    expect(raw.joined).toBe(3000);
    expect(await totals()).toEqual([raw]);
    expect(await harness.prisma.visit.count({ where: { businessId: tenant.businessId, rolledUpAt: null } })).toBe(0);

    const before = await insightsOf(tenant, period);
    expect(await Promise.all([drain(), drain()])).toEqual([0, 0]);
    expect(await totals()).toEqual([raw]);
    expect(await insightsOf(tenant, period)).toEqual(before);
  });
});

describe('statements of insights', () => {
  it('are the same for 5,000 and 30,000 visits: two, reading rollups only (the benchmark checks 1,000,000)', async () => {
    const { tenant, target } = await seededTenant();
    const year = { from: '2025-12-31T23:00:00Z', to: '2026-12-31T23:00:00Z' };
    /** The fewest statements of three calls: the harness's background timer may add one to a call. */
    const statementsPerCall = async () => {
      const counts: number[] = [];
      for (let call = 0; call < 3; call += 1) {
        const before = harness.statements();
        const insights = await insightsOf(tenant, year);
        counts.push(harness.statements() - before);
        expect(insights.series).toHaveLength(365);
      }
      return Math.min(...counts);
    };
    // Rolled up in batches of 20,000: a year's history in batches of 2,000 rewrites most daily
    // rows once per batch, minutes on a busy machine, and this test is about the reads.
    const rollUpInBigBatches = async () => {
      while ((await rollUpFinishedVisits(harness.prisma, 20_000)).visits > 0);
    };
    await seedFinishedVisits(harness.prisma, target, { count: 5_000, from: at('2026-01-01T00:00:00Z'), days: 364, seed: 11 });
    await rollUpInBigBatches();
    const small = await statementsPerCall();
    expect((await insightsOf(tenant, year)).joined).toBeGreaterThan(4000);

    await seedFinishedVisits(harness.prisma, target, { count: 25_000, from: at('2026-01-01T00:00:00Z'), days: 364, seed: 12 });
    await rollUpInBigBatches();
    const large = await statementsPerCall();
    const insights = await insightsOf(tenant, year);
    expect(insights.joined + insights.noShows).toBeGreaterThan(27_000);
    expect([small, large]).toEqual([2, 2]);
  });
});
