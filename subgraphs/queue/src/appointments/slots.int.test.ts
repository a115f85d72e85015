import { DateTime } from 'luxon';
import { identityHeader } from '@waitlessq/auth';
import { anonymous, graphql, ok, type SeededTenant } from '@waitlessq/testkit';
import { startQueueHarness, type QueueHarness } from '../test-support/harness';
import type { BookingSchedule } from './booking-schedule';
import { occupancyOf, readBusinessBookings } from './slots';

// Business.availableSlots as the gateway calls it: `_entities` with the business subgraph's
// bookingSchedule inside the representation (@requires), against appointments in PostgreSQL.

const ZONE = 'Europe/Berlin';
let harness: QueueHarness;

beforeAll(async () => {
  harness = await startQueueHarness();
});
afterAll(() => harness?.close());

const slotsOp = `
  query($representations: [_Any!]!, $serviceId: ID!, $from: DateTime!, $to: DateTime!) {
    _entities(representations: $representations) {
      ... on Business { availableSlots(serviceId: $serviceId, from: $from, to: $to) { startsAt spotsLeft } }
    }
  }`;

type SlotsResponse = { _entities: { availableSlots: { startsAt: string; spotsLeft: number }[] }[] };

function scheduleFor(tenant: SeededTenant, policy: Partial<BookingSchedule['policy']> = {}): BookingSchedule {
  return {
    businessId: tenant.businessId,
    timezone: ZONE,
    policy: {
      slotMinutes: 30,
      bufferBeforeMinutes: 0,
      bufferAfterMinutes: 0,
      minNoticeMinutes: 0,
      maxAdvanceDays: 120,
      maxBookingsPerDay: null,
      approvalRequired: false,
      cancellationWindowMinutes: 120,
      spotsPerSlot: 2,
      noShowGraceMinutes: 15,
      standbyOfferMinutes: 30,
      reminderMinutesBefore: 60,
      quietHoursStart: null,
      quietHoursEnd: null,
      ...policy,
    },
    // Every day 09:00-17:00: 16 slots of 30 minutes a day.
    availability: [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ serviceId: null, weekday, startsAt: 9 * 60, endsAt: 17 * 60, validFrom: null, validUntil: null })),
    openingHours: [],
    exceptions: [],
    services: tenant.serviceIds.map((id, index) => ({
      id,
      name: `Service ${index}`,
      durationMinutes: 30,
      bufferBeforeMinutes: 0,
      bufferAfterMinutes: 0,
      bookableOnline: true,
      active: index === 0,
    })),
  };
}

/** Business-local days from the day after tomorrow on: always in the future, whatever the time of the run. */
const firstDay = () => DateTime.now().setZone(ZONE).plus({ days: 2 }).startOf('day');
const localTime = (day: DateTime, time: string) => DateTime.fromISO(`${day.toISODate()}T${time}`, { zone: ZONE }).toJSDate();

function askSlots(schedule: BookingSchedule, serviceId: string, from: Date, to: Date) {
  return harness.call<SlotsResponse>(anonymous, slotsOp, {
    representations: [{ __typename: 'Business', id: schedule.businessId, bookingSchedule: schedule }],
    serviceId,
    from: from.toISOString(),
    to: to.toISOString(),
  });
}

/**
 * The slots, and the statements one call sent: the fewer of two identical calls, because the
 * subgraph's appointment sweeper (every 30 s) sends its statements through the same counted client.
 */
async function slotsOf(schedule: BookingSchedule, from: Date, to: Date) {
  const once = async () => {
    const before = harness.statements();
    const slots = ok(await askSlots(schedule, schedule.services[0].id, from, to))._entities[0].availableSlots;
    return { slots, statements: harness.statements() - before };
  };
  const [first, second] = [await once(), await once()];
  expect(second.slots).toEqual(first.slots);
  return { slots: first.slots, statements: Math.min(first.statements, second.statements) };
}

async function newQueue(tenant: SeededTenant): Promise<string> {
  const queue = await harness.prisma.queue.create({
    data: { organizationId: tenant.organizationId, businessId: tenant.businessId, name: 'Appointments', timezone: ZONE },
  });
  return queue.id;
}

/** An appointment row as the booking code writes it (occupancy from slots.ts). */
async function insertAppointment(
  schedule: BookingSchedule,
  queueId: string,
  tenant: SeededTenant,
  startsAt: Date,
  status: 'BOOKED' | 'CANCELLED' | 'NO_SHOW' | 'DONE' = 'BOOKED',
) {
  const occupancy = occupancyOf(schedule, schedule.services[0], startsAt);
  return harness.prisma.visit.create({
    data: {
      organizationId: tenant.organizationId,
      queueId,
      businessId: tenant.businessId,
      serviceId: schedule.services[0].id,
      customerName: 'Booked',
      kind: 'APPOINTMENT',
      status,
      scheduledAt: startsAt,
      scheduledEndAt: occupancy.scheduledEndAt,
      blockedFrom: occupancy.blockedFrom,
      blockedUntil: occupancy.blockedUntil,
      bookingDay: new Date(`${occupancy.bookingDay}T00:00:00Z`),
      slotCapacity: schedule.policy.spotsPerSlot,
    },
  });
}

/**
 * `count` appointments of 30 minutes spread over `days` days from `day`, inserted by one
 * statement (a capacity far above the policy's, so the trigger accepts them all).
 */
async function insertManyAppointments(tenant: SeededTenant, queueId: string, serviceId: string, day: DateTime, days: number, count: number) {
  const start = localTime(day, '09:00');
  await harness.prisma.$executeRaw`
    INSERT INTO "Visit" ("id", "organizationId", "queueId", "businessId", "serviceId", "customerName", "kind", "status",
                         "scheduledAt", "scheduledEndAt", "blockedFrom", "blockedUntil", "bookingDay", "slotCapacity", "updatedAt")
    SELECT gen_random_uuid(), ${tenant.organizationId}::uuid, ${queueId}::uuid, ${tenant.businessId}::uuid, ${serviceId}::uuid, 'Seeded',
           'APPOINTMENT', 'BOOKED', s.at, s.at + interval '30 minutes', s.at, s.at + interval '30 minutes',
           (s.at AT TIME ZONE 'UTC' AT TIME ZONE ${ZONE})::date, 32000, now()
    FROM (SELECT ${start}::timestamp(3) + (i % ${days}::int) * interval '1 day' + ((i / ${days}::int) % 16) * interval '30 minutes' AS at
          FROM generate_series(0, ${count - 1}::int) AS i) AS s`;
}

describe('Business.availableSlots through _entities', () => {
  it('lists the free slots; bookings take spots, cancelled ones do not', async () => {
    const tenant = await harness.createTenant({ timezone: ZONE, serviceMinutes: [30] });
    const schedule = scheduleFor(tenant);
    const queueId = await newQueue(tenant);
    const day = firstDay();
    const from = localTime(day, '00:00');
    const to = localTime(day.plus({ days: 1 }), '00:00');

    const empty = await slotsOf(schedule, from, to);
    expect(empty.slots).toHaveLength(16);
    expect(empty.slots[0]).toEqual({ startsAt: localTime(day, '09:00').toISOString(), spotsLeft: 2 });
    expect(empty.slots.every((slot) => slot.spotsLeft === 2)).toBe(true);

    await insertAppointment(schedule, queueId, tenant, localTime(day, '09:00'));
    await insertAppointment(schedule, queueId, tenant, localTime(day, '10:00'), 'CANCELLED');
    const one = await slotsOf(schedule, from, to);
    expect(one.slots.slice(0, 3)).toEqual([
      { startsAt: localTime(day, '09:00').toISOString(), spotsLeft: 1 },
      { startsAt: localTime(day, '09:30').toISOString(), spotsLeft: 2 },
      { startsAt: localTime(day, '10:00').toISOString(), spotsLeft: 2 },
    ]);

    await insertAppointment(schedule, queueId, tenant, localTime(day, '09:00'));
    const full = await slotsOf(schedule, from, to);
    expect(full.slots).toHaveLength(15);
    expect(full.slots[0].startsAt).toBe(localTime(day, '09:30').toISOString());
  });

  it('counts the per-day limit from the stored bookingDay', async () => {
    const tenant = await harness.createTenant({ timezone: ZONE, serviceMinutes: [30] });
    const schedule = scheduleFor(tenant, { spotsPerSlot: 3, maxBookingsPerDay: 2 });
    const queueId = await newQueue(tenant);
    const day = firstDay();
    await insertAppointment(schedule, queueId, tenant, localTime(day, '16:30'));
    const { slots } = await slotsOf(schedule, localTime(day, '00:00'), localTime(day.plus({ days: 2 }), '00:00'));
    // One spot left on that day (2 - 1), two on the next (the per-day limit caps 3 spots per slot).
    expect(slots.map((slot) => slot.spotsLeft)).toEqual([...Array(16).fill(1), ...Array(16).fill(2)]);
    await insertAppointment(schedule, queueId, tenant, localTime(day, '12:00'));
    expect((await slotsOf(schedule, localTime(day, '00:00'), localTime(day.plus({ days: 2 }), '00:00'))).slots).toHaveLength(16);
  });

  it('sends the same single statement for 3 or 30 days, and for 10 or 1,000 bookings', async () => {
    const day = firstDay();
    const measure = async (bookings: number) => {
      const tenant = await harness.createTenant({ timezone: ZONE, serviceMinutes: [30] });
      const schedule = scheduleFor(tenant, { spotsPerSlot: 32000 });
      await insertManyAppointments(tenant, await newQueue(tenant), schedule.services[0].id, day, 30, bookings);
      const short = await slotsOf(schedule, localTime(day, '00:00'), localTime(day.plus({ days: 3 }), '00:00'));
      const long = await slotsOf(schedule, localTime(day, '00:00'), localTime(day.plus({ days: 30 }), '00:00'));
      expect(short.slots).toHaveLength(3 * 16);
      expect(long.slots).toHaveLength(30 * 16);
      return { short, long };
    };
    const few = await measure(10);
    const many = await measure(1000);
    // 1,000 bookings over 30 days x 16 slots: every slot holds 2 or 3 of them.
    expect(new Set(many.long.slots.map((slot) => 32000 - slot.spotsLeft))).toEqual(new Set([2, 3]));
    expect(few.long.slots.filter((slot) => slot.spotsLeft < 32000)).toHaveLength(10);
    expect([few.short.statements, few.long.statements, many.short.statements, many.long.statements]).toEqual([1, 1, 1, 1]);
  });

  it('reads the active appointments around a range, with exact instants, leaving out the ones named', async () => {
    const tenant = await harness.createTenant({ timezone: ZONE, serviceMinutes: [30] });
    const schedule = scheduleFor(tenant, { bufferBeforeMinutes: 5, bufferAfterMinutes: 10 });
    const queueId = await newQueue(tenant);
    const day = firstDay();
    const kept = await insertAppointment(schedule, queueId, tenant, new Date(localTime(day, '09:00').getTime() + 123));
    await insertAppointment(schedule, queueId, tenant, kept.scheduledAt!);
    const moved = await insertAppointment(schedule, queueId, tenant, localTime(day, '11:00'));
    await insertAppointment(schedule, queueId, tenant, localTime(day, '12:00'), 'DONE');
    await insertAppointment(schedule, queueId, tenant, localTime(day, '13:00'), 'CANCELLED');
    await insertAppointment(schedule, queueId, tenant, localTime(day, '14:00'), 'NO_SHOW');
    await insertAppointment(schedule, queueId, tenant, localTime(day.plus({ days: 5 }), '09:00'));
    const bookings = await readBusinessBookings(harness.prisma, schedule, localTime(day, '10:00'), localTime(day, '10:30'), [moved.id]);
    // Done ones still count, like in the trigger; cancelled, no-shows, the excluded one and those
    // days away do not; the two at the same time come back as one entry.
    expect(bookings.sort((a, b) => a.blockedFrom.getTime() - b.blockedFrom.getTime())).toEqual([
      { blockedFrom: kept.blockedFrom, blockedUntil: kept.blockedUntil, bookingDay: day.toISODate(), count: 2 },
      { blockedFrom: localTime(day, '11:55'), blockedUntil: localTime(day, '12:40'), bookingDay: day.toISODate(), count: 1 },
    ]);
    expect(kept.blockedFrom).toEqual(new Date(localTime(day, '08:55').getTime() + 123));
  });

  it('refuses a service that cannot be booked online before reading anything', async () => {
    const tenant = await harness.createTenant({ timezone: ZONE, serviceMinutes: [30, 45] });
    const schedule = scheduleFor(tenant);
    const day = firstDay();
    const refusals = async () => {
      const before = harness.statements();
      const response = await askSlots(schedule, tenant.serviceIds[1], localTime(day, '00:00'), localTime(day.plus({ days: 1 }), '00:00'));
      expect(response.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'serviceId' } });
      const backwards = await askSlots(schedule, tenant.serviceIds[0], localTime(day, '00:00'), localTime(day, '00:00'));
      expect(backwards.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'to' } });
      return harness.statements() - before;
    };
    // The fewer of two rounds (the sweeper shares the counted client, see slotsOf).
    expect(Math.min(await refusals(), await refusals())).toBe(0);
  });

  it('computes slots from the schedule the real business subgraph serves', async () => {
    const tenant = await harness.createTenant({ timezone: ZONE, serviceMinutes: [60] });
    const day = firstDay();
    await harness.prisma.availabilityRule.create({ data: { businessId: tenant.businessId, weekday: day.weekday - 1, startsAt: 10 * 60, endsAt: 12 * 60 } });
    const business = await graphql<{ _entities: { bookingSchedule: unknown }[] }>(harness.runtime.config.subgraphUrls.business, {
      query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Business { bookingSchedule } } }`,
      variables: { r: [{ __typename: 'Business', id: tenant.businessId }] },
      headers: { [identityHeader]: await harness.runtime.signer.sign(anonymous) },
    });
    const bookingSchedule = ok(business)._entities[0].bookingSchedule;
    const response = await harness.call<SlotsResponse>(anonymous, slotsOp, {
      representations: [{ __typename: 'Business', id: tenant.businessId, bookingSchedule }],
      serviceId: tenant.serviceIds[0],
      from: localTime(day, '00:00').toISOString(),
      to: localTime(day.plus({ days: 1 }), '00:00').toISOString(),
    });
    // The default policy: 15-minute steps, one spot; a 60-minute service in 10:00-12:00.
    expect(ok(response)._entities[0].availableSlots.map((slot) => slot.startsAt)).toEqual(
      ['10:00', '10:15', '10:30', '10:45', '11:00'].map((time) => localTime(day, time).toISOString()),
    );
  });
});
