/**
 * 500 concurrent bookAppointment calls across 50 slots of one business, through the queue
 * subgraph's HTTP API (the business subgraph answers its booking-schedule questions, both on
 * the integration tests' harness over a scratch database). Every slot has 5 spots, so exactly
 * 250 bookings must succeed and 250 get SLOT_UNAVAILABLE; the database is then asked how many
 * active bookings each slot holds (a double booking is a slot over 5). Rounds alternate nothing:
 * this measures one path; each round records the machine's load (loadtests/machine.ts) and is
 * marked busy when processes outside the benchmark took CPU.
 *
 *   npx tsx --tsconfig loadtests/appointments/tsconfig.json loadtests/appointments/booking.bench.ts [--rounds 3]
 *
 * Needs PostgreSQL on 127.0.0.1:5432 and Redis on 6379. Writes booking-results.json beside this file.
 */
import os from 'node:os';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { anonymous } from '@waitlessq/testkit';
import { startQueueHarness, type QueueHarness } from '../../subgraphs/queue/src/test-support/harness';
import { describeMachine, watchMachine } from '../machine';

const ZONE = 'Europe/Berlin';
const SLOTS = 50;
const SPOTS = 5;
const ATTEMPTS = 500;

const bookOp = `mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { visit { id } } }`;
const round = (value: number) => Math.round(value * 100) / 100;

async function scenario(harness: QueueHarness) {
  const tenant = await harness.createTenant({ timezone: ZONE, serviceMinutes: [30] });
  const { prisma } = harness;
  await prisma.availabilityRule.createMany({
    data: [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ businessId: tenant.businessId, weekday, startsAt: 8 * 60, endsAt: 20 * 60 })),
  });
  await prisma.bookingPolicy.create({ data: { businessId: tenant.businessId, slotMinutes: 30, minNoticeMinutes: 0, spotsPerSlot: SPOTS, maxAdvanceDays: 60 } });
  await prisma.queue.create({ data: { organizationId: tenant.organizationId, businessId: tenant.businessId, name: 'Appointments', timezone: ZONE } });
  // 50 slots: 08:00-20:00 in half hours is 24 a day, so the first 50 of three days ahead.
  const firstDay = DateTime.now().setZone(ZONE).plus({ days: 3 }).set({ hour: 8, minute: 0, second: 0, millisecond: 0 });
  const slots = Array.from({ length: SLOTS }, (_, i) =>
    firstDay
      .plus({ days: Math.floor(i / 24), minutes: (i % 24) * 30 })
      .toUTC()
      .toISO()!,
  );

  const watch = watchMachine();
  const started = process.hrtime.bigint();
  const answers = await Promise.all(
    Array.from({ length: ATTEMPTS }, (_, i) =>
      harness.call(anonymous, bookOp, {
        input: {
          businessId: tenant.businessId,
          serviceId: tenant.serviceIds[0],
          startsAt: slots[i % SLOTS],
          name: `Guest ${i}`,
          email: `guest${i}@example.com`,
        },
      }),
    ),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const machine = watch.stop();
  console.log(`round: ${round(ATTEMPTS / seconds)} attempts/s, ${describeMachine(machine)}`);
  const codes: Record<string, number> = {};
  for (const answer of answers) {
    const code = answer.errors?.length ? String(answer.errors[0].extensions?.code) : 'BOOKED';
    codes[code] = (codes[code] ?? 0) + 1;
  }
  const perSlot = await prisma.visit.groupBy({
    by: ['scheduledAt'],
    where: { businessId: tenant.businessId, kind: 'APPOINTMENT', status: { in: ['BOOKED', 'PENDING'] } },
    _count: { _all: true },
  });
  const overbooked = perSlot.filter((slot) => slot._count._all > SPOTS).length;
  return {
    attempts: ATTEMPTS,
    seconds: round(seconds),
    attemptsPerSecond: round(ATTEMPTS / seconds),
    bookingsPerSecond: round((codes.BOOKED ?? 0) / seconds),
    codes,
    slotsFilled: perSlot.filter((slot) => slot._count._all === SPOTS).length,
    overbookedSlots: overbooked,
    machine,
  };
}

async function main() {
  const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1] || 3);
  const harness = await startQueueHarness({ DATABASE_POOL_SIZE: '20', LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent' });
  try {
    const results = [];
    for (let i = 0; i < rounds; i += 1) results.push(await scenario(harness));
    const output = { machine: { cores: os.cpus().length, model: os.cpus()[0]?.model }, slots: SLOTS, spotsPerSlot: SPOTS, results };
    writeFileSync(path.join(__dirname, 'booking-results.json'), `${JSON.stringify(output, null, 2)}\n`);
    console.log(JSON.stringify(output, null, 2));
    if (results.some((result) => result.overbookedSlots > 0 || result.codes.BOOKED !== SLOTS * SPOTS)) process.exitCode = 1;
  } finally {
    await harness.close();
  }
}

void main();
