/**
 * Business.availableSlots for 30 days of a business with many existing bookings, through the
 * queue subgraph's HTTP `_entities` call (what the gateway sends once it has the business
 * subgraph's bookingSchedule). Each scenario gets its own business in a scratch database (the
 * integration tests' harness: createTestDatabase, the queue subgraph on a free port, every
 * Prisma operation counted), bookings seeded with one INSERT ... SELECT, a warm-up, then a
 * bounded number of sequential calls. Measured: client-side latency p50/p95/max, SQL
 * statements per call, the bookings read alone and the pure computation alone (in this process, same data),
 * the plan PostgreSQL picks for the bookings read, and the machine's load while the calls
 * ran (loadtests/machine.ts: a run during which processes outside the benchmark took CPU is
 * marked busy).
 *
 *   npx tsx --tsconfig loadtests/appointments/tsconfig.json loadtests/appointments/slots.bench.ts [--calls 200] [--warmup 20]
 *
 * Needs PostgreSQL on 127.0.0.1:5432 and Redis on 6379, like the integration tests. Writes
 * results.json beside this file.
 */
import os from 'node:os';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { anonymous, ok, type SeededTenant } from '@waitlessq/testkit';
import { startQueueHarness, type QueueHarness } from '../../subgraphs/queue/src/test-support/harness';
import type { BookingSchedule } from '../../subgraphs/queue/src/appointments/booking-schedule';
import { availableSlots, readBusinessBookings } from '../../subgraphs/queue/src/appointments/slots';
import { describeMachine, watchMachine } from '../machine';

const ZONE = 'Europe/Berlin';
const DAYS = 30;
/** Rows around the business's month in each scenario: its own past year, and another business's month. */
const HISTORY = 20_000;

interface Options {
  calls: number;
  warmup: number;
}

function parseOptions(argv: string[]): Options {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return { calls: Number(value('--calls') ?? 200), warmup: Number(value('--warmup') ?? 20) };
}

const slotsOp = `
  query($representations: [_Any!]!, $serviceId: ID!, $from: DateTime!, $to: DateTime!) {
    _entities(representations: $representations) {
      ... on Business { availableSlots(serviceId: $serviceId, from: $from, to: $to) { startsAt endsAt spotsLeft } }
    }
  }`;

/** Open every day 08:00-20:00, 15-minute steps, a 30-minute service with a 5-minute buffer after, 100 spots. */
function scheduleFor(tenant: SeededTenant): BookingSchedule {
  return {
    businessId: tenant.businessId,
    timezone: ZONE,
    policy: {
      slotMinutes: 15,
      bufferBeforeMinutes: 0,
      bufferAfterMinutes: 5,
      minNoticeMinutes: 60,
      maxAdvanceDays: 90,
      maxBookingsPerDay: 5000,
      approvalRequired: false,
      cancellationWindowMinutes: 120,
      spotsPerSlot: 100,
      noShowGraceMinutes: 15,
      standbyOfferMinutes: 30,
      reminderMinutesBefore: 60,
      quietHoursStart: null,
      quietHoursEnd: null,
    },
    availability: [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ serviceId: null, weekday, startsAt: 8 * 60, endsAt: 20 * 60, validFrom: null, validUntil: null })),
    openingHours: [],
    exceptions: [],
    services: [
      {
        id: tenant.serviceIds[0],
        name: 'Consultation',
        durationMinutes: 30,
        bufferBeforeMinutes: 0,
        bufferAfterMinutes: 0,
        bookableOnline: true,
        active: true,
      },
    ],
  };
}

/**
 * `count` appointments spread evenly over the 30 days' opening hours, written by one statement
 * with the capacity trigger off (session_replication_role = replica, this transaction only, in
 * this scratch database): the trigger checks each row against the business's earlier
 * appointments, which makes a bulk insert of 10,000 quadratic (see RESULTS.md). The cost of
 * one real booking's check is measured separately (timeOneBooking).
 */
async function seedBookings(harness: QueueHarness, tenant: SeededTenant, queueId: string, firstDay: DateTime, days: number, count: number): Promise<void> {
  const start = DateTime.fromISO(`${firstDay.toISODate()}T08:00`, { zone: ZONE }).toJSDate();
  await harness.prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`SET LOCAL session_replication_role = replica`;
      await tx.$executeRaw`SET LOCAL statement_timeout = 0`;
      await tx.$executeRaw`
    INSERT INTO "Visit" ("id", "organizationId", "queueId", "businessId", "serviceId", "customerName", "kind", "status",
                         "scheduledAt", "scheduledEndAt", "blockedFrom", "blockedUntil", "bookingDay", "slotCapacity", "updatedAt")
    SELECT gen_random_uuid(), ${tenant.organizationId}::uuid, ${queueId}::uuid, ${tenant.businessId}::uuid, ${tenant.serviceIds[0]}::uuid, 'Seeded',
           'APPOINTMENT', 'BOOKED', s.at, s.at + interval '30 minutes', s.at, s.at + interval '35 minutes',
           (s.at AT TIME ZONE 'UTC' AT TIME ZONE ${ZONE})::date, 32000, now()
    FROM (SELECT ${start}::timestamp(3) + (i % ${days}::int) * interval '1 day' + ((i / ${days}::int) % 47) * interval '15 minutes' AS at
          FROM generate_series(0, ${count - 1}::int) AS i) AS s`;
    },
    { timeout: 300_000 },
  );
}

/**
 * Milliseconds to insert one appointment with the capacity trigger on, as bookAppointment
 * does (median of 5, each in the middle of the seeded month), then removed again.
 */
async function timeOneBooking(harness: QueueHarness, tenant: SeededTenant, queueId: string, firstDay: DateTime): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    const startsAt = DateTime.fromISO(`${firstDay.plus({ days: 15 + i }).toISODate()}T12:00`, { zone: ZONE }).toJSDate();
    const started = process.hrtime.bigint();
    const visit = await harness.prisma.visit.create({
      data: {
        organizationId: tenant.organizationId,
        queueId,
        businessId: tenant.businessId,
        serviceId: tenant.serviceIds[0],
        customerName: 'Timed',
        kind: 'APPOINTMENT',
        status: 'BOOKED',
        scheduledAt: startsAt,
        blockedFrom: startsAt,
        blockedUntil: new Date(startsAt.getTime() + 35 * 60_000),
        bookingDay: new Date(`${firstDay.plus({ days: 15 + i }).toISODate()}T00:00:00Z`),
        slotCapacity: 32000,
        dayCapacity: 5000,
      },
    });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    await harness.prisma.visit.delete({ where: { id: visit.id } });
  }
  return round(times.sort((a, b) => a - b)[2]);
}

/**
 * The plan of the capacity trigger's overlap count (migration 20261202013734_appointments) for
 * a booking in the middle of the month: how many rows one booking's check visits. The same
 * condition as the trigger's, its two-day lower bound included (keep them alike).
 */
async function explainTriggerCount(harness: QueueHarness, tenant: SeededTenant, firstDay: DateTime): Promise<string[]> {
  const startsAt = DateTime.fromISO(`${firstDay.plus({ days: 15 }).toISODate()}T12:00`, { zone: ZONE }).toJSDate();
  const rows = await harness.prisma.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(
    `EXPLAIN (ANALYZE, BUFFERS) SELECT count(*) FROM "Visit" v
     WHERE v."businessId" = $1::uuid AND v."kind" = 'APPOINTMENT' AND v."status"::text NOT IN ('CANCELLED', 'NO_SHOW')
       AND v."blockedFrom" > $2::timestamp(3) - interval '2 days'
       AND v."blockedFrom" < $3::timestamp(3) AND v."blockedUntil" > $2::timestamp(3)`,
    tenant.businessId,
    startsAt,
    new Date(startsAt.getTime() + 35 * 60_000),
  );
  return rows.map((row) => row['QUERY PLAN']);
}

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const round = (value: number) => Math.round(value * 100) / 100;

async function scenario(harness: QueueHarness, bookings: number, options: Options) {
  const tenant = await harness.createTenant({ timezone: ZONE, serviceMinutes: [30] });
  const schedule = scheduleFor(tenant);
  const firstDay = DateTime.now().setZone(ZONE).plus({ days: 1 }).startOf('day');
  const queue = await harness.prisma.queue.create({
    data: { organizationId: tenant.organizationId, businessId: tenant.businessId, name: 'Appointments', timezone: ZONE },
  });
  await seedBookings(harness, tenant, queue.id, firstDay, DAYS, bookings);
  // A year of this business's past appointments and another business's month, so the read has
  // rows to skip as in a real table (and the planner a reason to use the index).
  await seedBookings(harness, tenant, queue.id, firstDay.minus({ days: 400 }), 365, HISTORY);
  const neighbour = await harness.createTenant({ timezone: ZONE, serviceMinutes: [30] });
  const neighbourQueue = await harness.prisma.queue.create({
    data: { organizationId: neighbour.organizationId, businessId: neighbour.businessId, name: 'Appointments', timezone: ZONE },
  });
  await seedBookings(harness, neighbour, neighbourQueue.id, firstDay, DAYS, HISTORY);
  // What autovacuum would do soon after: the planner sees the real row counts.
  await harness.prisma.$executeRaw`ANALYZE "Visit"`;
  const oneBookingMs = await timeOneBooking(harness, tenant, queue.id, firstDay);
  const triggerCountPlan = await explainTriggerCount(harness, tenant, firstDay);
  const from = firstDay.toJSDate();
  const to = firstDay.plus({ days: DAYS }).toJSDate();
  const variables = {
    representations: [{ __typename: 'Business', id: tenant.businessId, bookingSchedule: schedule }],
    serviceId: tenant.serviceIds[0],
    from: from.toISOString(),
    to: to.toISOString(),
  };
  const call = async () =>
    ok(await harness.call<{ _entities: { availableSlots: unknown[] }[] }>(anonymous, slotsOp, variables))._entities[0].availableSlots.length;

  for (let i = 0; i < options.warmup; i += 1) await call();
  const watch = watchMachine();
  const latencies: number[] = [];
  const statements: number[] = [];
  let slots = 0;
  for (let i = 0; i < options.calls; i += 1) {
    const before = harness.statements();
    const sent = process.hrtime.bigint();
    slots = await call();
    latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
    statements.push(harness.statements() - before);
  }
  const machine = watch.stop();
  console.log(`${bookings} bookings: ${describeMachine(machine)}`);

  // The bookings read alone (the resolver's one statement, through Prisma), then the pure computation alone on its rows.
  const readMs: number[] = [];
  for (let i = 0; i < 50; i += 1) {
    const started = process.hrtime.bigint();
    await readBusinessBookings(harness.prisma, schedule, from, to);
    readMs.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  const rows = await readBusinessBookings(harness.prisma, schedule, from, to);
  const computeMs: number[] = [];
  for (let i = 0; i < 50; i += 1) {
    const started = process.hrtime.bigint();
    availableSlots({ schedule, serviceId: tenant.serviceIds[0], from, to, now: new Date(), bookings: rows });
    computeMs.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  const plan = await harness.prisma.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(
    // The statement of readBusinessBookings (slots-bookings.ts), with the same bounds.
    `EXPLAIN (ANALYZE, BUFFERS) SELECT COALESCE(json_agg(json_build_array((extract(epoch FROM "blockedFrom") * 1000)::bigint,
       (extract(epoch FROM "blockedUntil") * 1000)::bigint, to_char("bookingDay", 'YYYY-MM-DD'), "count")), '[]')::text
     FROM (SELECT "blockedFrom", "blockedUntil", "bookingDay", count(*)::int AS "count" FROM "Visit"
       WHERE "businessId" = $1::uuid AND "kind" = 'APPOINTMENT' AND "status"::text NOT IN ('CANCELLED', 'NO_SHOW')
         AND "blockedFrom" >= $2::timestamp(3) AND "blockedFrom" < $3::timestamp(3) AND "blockedUntil" > $4::timestamp(3)
       GROUP BY "blockedFrom", "blockedUntil", "bookingDay") AS "grouped"`,
    tenant.businessId,
    new Date(from.getTime() - 3 * 86_400_000),
    new Date(to.getTime() + 2 * 86_400_000),
    new Date(from.getTime() - 2 * 86_400_000),
  );

  latencies.sort((a, b) => a - b);
  computeMs.sort((a, b) => a - b);
  readMs.sort((a, b) => a - b);
  return {
    bookings,
    bookingsRead: rows.reduce((sum, row) => sum + (row.count ?? 1), 0),
    entriesRead: rows.length,
    days: DAYS,
    otherRowsInTable: 2 * HISTORY,
    slotsReturned: slots,
    calls: options.calls,
    p50Ms: round(percentile(latencies, 0.5)),
    p95Ms: round(percentile(latencies, 0.95)),
    maxMs: round(latencies[latencies.length - 1]),
    // Per call; the subgraph's 30-second appointment sweeper uses the same counted client, so a
    // call it overlapped shows its 2 or 3 statements too: the median is the call's own count.
    statementsPerCallMedian: percentile(
      [...statements].sort((a, b) => a - b),
      0.5,
    ),
    statementsPerCallMax: Math.max(...statements),
    callsOverlappingTheSweeper: statements.filter(
      (count) =>
        count !==
        percentile(
          [...statements].sort((a, b) => a - b),
          0.5,
        ),
    ).length,
    readP50Ms: round(percentile(readMs, 0.5)),
    readP95Ms: round(percentile(readMs, 0.95)),
    computeP50Ms: round(percentile(computeMs, 0.5)),
    computeP95Ms: round(percentile(computeMs, 0.95)),
    oneBookingMs,
    plan: plan.map((row) => row['QUERY PLAN']),
    triggerCountPlan,
    machine,
  };
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const harness = await startQueueHarness();
  try {
    const results = [];
    for (const bookings of [100, 10_000]) {
      const result = await scenario(harness, bookings, options);
      results.push(result);
      const { plan, triggerCountPlan, ...figures } = result;
      console.log(JSON.stringify(figures));
      console.log(plan.join('\n'));
      console.log(triggerCountPlan.join('\n'));
    }
    const report = { ranAt: new Date().toISOString(), cores: os.cpus().length, options, results };
    writeFileSync(path.join(__dirname, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await harness.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
