import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Prisma } from '@waitlessq/database';
import { type SeededTenant } from '@waitlessq/testkit';
import { startQueueHarness, type QueueHarness } from '../test-support/harness';
import { mergeHistograms } from './histogram';
import { seedFinishedVisits, type HistoryTarget } from './history-seed';
import { readFigures, readHistograms, readPlan, type InsightsScope } from './insights-query';
import { assembleInsights } from './insights-report';
import { rollUpPass } from './rollup';
import { allId, localDayOf } from './rollup-increments';

// Seeds a few thousand visits and rolls them up, on 2 shared cores.
jest.setTimeout(120_000);

let harness: QueueHarness;
let tenant: SeededTenant;
let target: HistoryTarget;
const timezone = 'Europe/Berlin';
const at = (iso: string) => new Date(iso);

beforeAll(async () => {
  harness = await startQueueHarness();
  tenant = await harness.createTenant({ timezone, serviceMinutes: [10, 15, 30] });
  const queueIds: string[] = [];
  for (const name of ['Desk', 'Counter']) {
    queueIds.push((await harness.prisma.queue.create({ data: { organizationId: tenant.organizationId, businessId: tenant.businessId, name, timezone } })).id);
  }
  target = {
    organizationId: tenant.organizationId,
    businessId: tenant.businessId,
    queueIds,
    serviceIds: tenant.serviceIds,
    staffIds: [randomUUID(), randomUUID(), randomUUID()],
  };
  // 20 days around the end of summer time (Sunday 25 October 2026, 25 hours in Berlin), 07:00-19:00 UTC...
  await seedFinishedVisits(harness.prisma, target, { count: 4000, from: at('2026-10-15T00:00:00Z'), days: 20, seed: 5 });
  // ...and on the DST day itself, the two 02:00 hours (CEST then CET) and its 25th hour (23:30 CET).
  const base = {
    organizationId: tenant.organizationId,
    businessId: tenant.businessId,
    queueId: queueIds[0],
    serviceId: tenant.serviceIds[0],
    customerName: 'Guest',
  };
  const done = (joined: string, waitMinutes: number) => {
    const joinedAt = at(joined);
    const calledAt = new Date(joinedAt.getTime() + waitMinutes * 60_000);
    return {
      ...base,
      status: 'DONE' as const,
      calledById: target.staffIds[0],
      joinedAt,
      lineAt: joinedAt,
      calledAt,
      servedAt: calledAt,
      doneAt: new Date(calledAt.getTime() + 600_000),
      waitSeconds: waitMinutes * 60,
      firstEstimateMinutes: 5,
      latestEstimateMinutes: 2,
    };
  };
  const data: Prisma.VisitCreateManyInput[] = [done('2026-10-25T00:30:00Z', 3), done('2026-10-25T01:30:00Z', 7), done('2026-10-25T22:30:00Z', 12)];
  await harness.prisma.visit.createMany({ data });
  while ((await rollUpPass(harness.prisma, 1000)).visits > 0);
});
afterAll(() => harness?.close());

interface Comparable {
  key: string;
  joined: number;
  served: number;
  noShows: number;
  cancelled: number;
  abandoned: number;
  hoursMask: number;
  joinedByHour: number[];
  waitHistogram: number[];
  serviceHistogram: number[];
  eta: number[];
}

const dayKey = (day: string, row: { queueId: string; serviceId: string; staffId: string }) => [day, row.queueId, row.serviceId, row.staffId].join('|');

async function dailyRows(): Promise<Map<string, Comparable>> {
  const rows = await harness.prisma.insightsDailyRollup.findMany({ where: { businessId: tenant.businessId } });
  return new Map(
    rows.map((row) => {
      const key = dayKey(row.day.toISOString().slice(0, 10), row);
      return [
        key,
        {
          key,
          joined: row.joined,
          served: row.served,
          noShows: row.noShows,
          cancelled: row.cancelled,
          abandoned: row.abandoned,
          hoursMask: row.hoursMask,
          joinedByHour: row.joinedByHour,
          waitHistogram: row.waitHistogram,
          serviceHistogram: row.serviceHistogram,
          eta: [row.etaSamples, Number(row.etaAbsSeconds), Number(row.etaSignedSeconds), row.etaLatestSamples, Number(row.etaLatestAbsSeconds)],
        },
      ];
    }),
  );
}

/** The daily rows as they must be: the hourly rows summed per local day, at the four levels. */
async function hourlySums(): Promise<Map<string, Comparable>> {
  const rows = await harness.prisma.insightsRollup.findMany({ where: { businessId: tenant.businessId } });
  const sums = new Map<string, Comparable>();
  for (const row of rows) {
    const { day, hourIndex, clockHour } = localDayOf(row.hourStart, timezone);
    for (const [byService, byStaff] of [
      [true, true],
      [true, false],
      [false, true],
      [false, false],
    ]) {
      const key = dayKey(day, { queueId: row.queueId, serviceId: byService ? row.serviceId : allId, staffId: byStaff ? row.staffId : allId });
      const sum = sums.get(key) ?? {
        key,
        joined: 0,
        served: 0,
        noShows: 0,
        cancelled: 0,
        abandoned: 0,
        hoursMask: 0,
        joinedByHour: Array.from({ length: 24 }, () => 0),
        waitHistogram: [],
        serviceHistogram: [],
        eta: [0, 0, 0, 0, 0],
      };
      sum.joined += row.joined;
      sum.served += row.served;
      sum.noShows += row.noShows;
      sum.cancelled += row.cancelled;
      sum.abandoned += row.abandoned;
      sum.hoursMask |= 1 << hourIndex;
      sum.joinedByHour[clockHour] += row.joined;
      sum.waitHistogram = mergeHistograms(sum.waitHistogram, row.waitHistogram);
      sum.serviceHistogram = mergeHistograms(sum.serviceHistogram, row.serviceHistogram);
      [row.etaSamples, Number(row.etaAbsSeconds), Number(row.etaSignedSeconds), row.etaLatestSamples, Number(row.etaLatestAbsSeconds)].forEach(
        (value, i) => (sum.eta[i] += value),
      );
      sums.set(key, sum);
    }
  }
  return sums;
}

const sorted = (rows: Map<string, Comparable>) => [...rows.values()].sort((a, b) => (a.key < b.key ? -1 : 1));

describe('daily insights rollups', () => {
  it('equal the sum of the hourly rows per local day, a DST day of 25 hours included', async () => {
    const daily = await dailyRows();
    expect(daily.size).toBeGreaterThan(100);
    expect(sorted(daily)).toEqual(sorted(await hourlySums()));
    // The DST day: both 02:00 hours join clock hour 2, and its 25th hour (23:00 CET) is bit 24.
    const dstDay = [...daily.values()].filter((row) => row.key.startsWith('2026-10-25|') && row.key.endsWith(`${allId}|${allId}`));
    expect(dstDay.reduce((sum, row) => sum + row.joinedByHour[2], 0)).toBe(2);
    expect(dstDay.some((row) => (row.hoursMask >>> 24) & 1)).toBe(true);
  });

  it("are rebuilt the same by the migration's backfill from the hourly rows", async () => {
    const migrations = path.join(__dirname, '../../../../prisma/migrations');
    const folder = readdirSync(migrations).find((name) => name.endsWith('_insights_daily_rollups'))!;
    const sql = readFileSync(path.join(migrations, folder, 'migration.sql'), 'utf8');
    expect(sql.indexOf('-- Backfill')).toBeGreaterThan(0);
    const backfill = sql.slice(sql.indexOf('-- Backfill'));
    const before = sorted(await dailyRows());
    let rebuilt: Comparable[] = [];
    // In a transaction rolled back at the end: the table is emptied and refilled by the backfill alone.
    const rolledBack = new Error('roll back');
    await expect(
      harness.prisma.$transaction(
        async (tx) => {
          await tx.$executeRawUnsafe('DELETE FROM "InsightsDailyRollup"');
          await tx.$executeRawUnsafe(backfill);
          const rows = await tx.insightsDailyRollup.findMany({ where: { businessId: tenant.businessId } });
          rebuilt = rows
            .map((row) => ({
              key: dayKey(row.day.toISOString().slice(0, 10), row),
              joined: row.joined,
              served: row.served,
              noShows: row.noShows,
              cancelled: row.cancelled,
              abandoned: row.abandoned,
              hoursMask: row.hoursMask,
              joinedByHour: row.joinedByHour,
              waitHistogram: row.waitHistogram,
              serviceHistogram: row.serviceHistogram,
              eta: [row.etaSamples, Number(row.etaAbsSeconds), Number(row.etaSignedSeconds), row.etaLatestSamples, Number(row.etaLatestAbsSeconds)],
            }))
            .sort((a, b) => (a.key < b.key ? -1 : 1));
          throw rolledBack;
        },
        { timeout: 60_000 },
      ),
    ).rejects.toBe(rolledBack);
    expect(rebuilt).toEqual(before);
    expect(sorted(await dailyRows())).toEqual(before);
  });
});

describe('insights read from daily rows', () => {
  const scopeOf = (
    from: string,
    to: string,
    granularity: InsightsScope['granularity'],
    filters: Partial<Pick<InsightsScope, 'queueId' | 'serviceId' | 'staffId'>> = {},
  ): InsightsScope => ({
    businessId: tenant.businessId,
    from: at(from),
    to: at(to),
    granularity,
    timezone,
    queueId: null,
    serviceId: null,
    staffId: null,
    ...filters,
  });
  const both = async (scope: InsightsScope) => {
    const [rows, histograms, hourlyRows, hourlyHistograms] = await Promise.all([
      readFigures(harness.prisma, scope),
      readHistograms(harness.prisma, scope),
      readFigures(harness.prisma, scope, { hourlyOnly: true }),
      readHistograms(harness.prisma, scope, { hourlyOnly: true }),
    ]);
    return { daily: assembleInsights(scope, rows, histograms), hourly: assembleInsights(scope, hourlyRows, hourlyHistograms) };
  };

  it('give the same figures as the hourly rows for a period with partial days at both edges', async () => {
    const cases = [
      // 11:30 local on the 16th to 15:00 local on the 30th, the DST day inside.
      scopeOf('2026-10-16T09:30:00Z', '2026-10-30T14:00:00Z', 'DAY'),
      scopeOf('2026-10-16T09:30:00Z', '2026-10-30T14:00:00Z', 'WEEK', { staffId: target.staffIds[1] }),
      scopeOf('2026-10-16T09:30:00Z', '2026-10-30T14:00:00Z', 'DAY', { serviceId: tenant.serviceIds[2], queueId: target.queueIds[1] }),
      // Starting inside the DST day (between its two 02:00 hours), and a whole-day period.
      scopeOf('2026-10-25T01:15:00Z', '2026-11-02T09:00:00Z', 'DAY'),
      scopeOf('2026-10-14T22:00:00Z', '2026-11-03T23:00:00Z', 'WEEK', { serviceId: tenant.serviceIds[0], staffId: target.staffIds[0] }),
    ];
    for (const scope of cases) {
      expect(readPlan(scope)).not.toBeNull();
      const { daily, hourly } = await both(scope);
      expect(daily.joined).toBeGreaterThan(0);
      expect(daily.byStaff.length).toBeGreaterThan(0);
      expect(daily).toEqual(hourly);
    }
    // The edges are really read: the first case's total has visits from the first and last partial days.
    const [first] = cases;
    const { daily } = await both(first);
    const firstDay = daily.series[0];
    const lastDay = daily.series[daily.series.length - 1];
    expect([firstDay.joined > 0, lastDay.joined > 0]).toEqual([true, true]);
  });

  it('leave hourly series and periods without a whole day to the hourly rows', () => {
    expect(readPlan(scopeOf('2026-10-16T09:30:00Z', '2026-10-23T09:30:00Z', 'HOUR'))).toBeNull();
    expect(readPlan(scopeOf('2026-10-16T09:30:00Z', '2026-10-17T09:30:00Z', 'DAY'))).toBeNull();
    expect(readPlan(scopeOf('2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z', 'DAY'))).toEqual({
      firstDay: '2026-10-25',
      endDay: '2026-10-26',
      wholeFrom: at('2026-10-24T22:00:00Z'),
      wholeTo: at('2026-10-25T23:00:00Z'),
    });
  });
});
