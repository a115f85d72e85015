import { randomUUID } from 'node:crypto';
import type { Identity } from '@waitlessq/auth';
import { metricsRegistry } from '@waitlessq/observability';
import type { ServiceRuntime } from '@waitlessq/subgraph-kit';
import {
  anonymous,
  createTestDatabase,
  errorCode,
  serviceIdentity,
  staffIdentity,
  startSubgraph,
  type GraphQLResponse,
  type RunningSubgraph,
  type TestDatabase,
} from '@waitlessq/testkit';
import { createBusinessSubgraph } from '../index';
import { addDays, todayIn } from './calendar-dates';

// Availability, exceptions and the booking schedule the queue subgraph reads, on the real
// PostgreSQL and Redis, with the public profile cache on (so a stale schedule would show).

type Data = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let db: TestDatabase;
let subgraph: RunningSubgraph;
let runtime: ServiceRuntime;
const prefix = `availability-test:${randomUUID()}:`;

const service = serviceIdentity('queue');
const staffOf = staffIdentity;

function call(identity: Identity, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<Data>> {
  return subgraph.call<Data>(identity, query, variables);
}

async function ok(identity: Identity, query: string, variables?: Record<string, unknown>): Promise<Data> {
  const response = await call(identity, query, variables);
  if (response.errors?.length || !response.data) throw new Error(`GraphQL errors: ${JSON.stringify(response.errors)}`);
  return response.data;
}

/** The error of a refused call: its code and the field it names. */
async function refusal(identity: Identity, query: string, variables?: Record<string, unknown>) {
  const response = await call(identity, query, variables);
  return { code: errorCode(response), field: response.errors?.[0]?.extensions?.field, data: response.data };
}

/** SQL statements sent to the database while `fn` runs (every statement, whatever the client). */
async function statementsOf<T>(fn: () => Promise<T>): Promise<{ result: T; statements: number }> {
  const count = async () => ((await metricsRegistry.getSingleMetric('wlq_db_statements_total')?.get())?.values ?? []).reduce((sum, v) => sum + v.value, 0);
  const before = await count();
  const result = await fn();
  return { result, statements: (await count()) - before };
}

const prisma = () => runtime.db.primary;

const windowFields = 'id serviceId weekday startsAt endsAt validFrom validUntil';
const exceptionFields = 'id date kind opensAt closesAt reason';
const setAvailabilityOp = `mutation($input: SetAvailabilityInput!) { setAvailability(input: $input) { ${windowFields} } }`;
const addExceptionOp = `mutation($input: AddAvailabilityExceptionInput!) { addAvailabilityException(input: $input) { ${exceptionFields} } }`;
const removeExceptionOp = `mutation($id: ID!) { removeAvailabilityException(id: $id) { id date kind } }`;
const setPolicyOp = `mutation($input: SetBookingPolicyInput!) { setBookingPolicy(input: $input) { bookingPolicy { spotsPerSlot noShowGraceMinutes standbyOfferMinutes slotMinutes } } }`;
const scheduleOp = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Business { bookingSchedule } } }`;
const createBusinessOp = `mutation($input: CreateBusinessInput!) { createBusiness(input: $input) { id slug } }`;
const createServiceOp = `mutation($input: CreateServiceInput!) { createService(input: $input) { id bufferBeforeMinutes bufferAfterMinutes bookableOnline } }`;

const representations = (ids: string[]) => ids.map((id) => ({ __typename: 'Business', id }));
const scheduleOf = async (identity: Identity, businessId: string) =>
  (await ok(identity, scheduleOp, { r: representations([businessId]) }))._entities[0]?.bookingSchedule;

let orgA: string;
let orgB: string;
let manager: Identity;
let businessId: string;
let slug: string;
let serviceId: string;
/** A service of another business of the same organization. */
let foreignServiceId: string;
/** Business-local days ahead of today in New York. */
let inDays: (days: number) => string;

beforeAll(async () => {
  db = await createTestDatabase();
  subgraph = await startSubgraph('business', createBusinessSubgraph, db, { env: { REDIS_KEY_PREFIX: prefix, CACHE_TTL_SECONDS: '60' } });
  runtime = subgraph.runtime;

  orgA = (await ok(service, `mutation { provisionOrganization(input: { name: "Avail A" }) { id } }`)).provisionOrganization.id;
  orgB = (await ok(service, `mutation { provisionOrganization(input: { name: "Avail B" }) { id } }`)).provisionOrganization.id;
  await prisma().organization.update({ where: { id: orgA }, data: { plan: 'PRO' } });
  manager = staffOf(orgA, 'MANAGER');
  const business = (
    await ok(manager, createBusinessOp, { input: { name: 'Hudson Dental', slug: `hudson-${prefix.slice(18, 26)}`, timezone: 'America/New_York' } })
  ).createBusiness;
  businessId = business.id;
  slug = business.slug;
  const created = await ok(manager, createServiceOp, {
    input: { businessId, name: 'Check-up', durationMinutes: 30, bufferBeforeMinutes: 5, bufferAfterMinutes: 10 },
  });
  serviceId = created.createService.id;
  expect(created.createService).toEqual({ id: serviceId, bufferBeforeMinutes: 5, bufferAfterMinutes: 10, bookableOnline: true });
  const otherBusiness = (await ok(manager, createBusinessOp, { input: { name: 'Uptown Dental', timezone: 'America/New_York' } })).createBusiness.id;
  foreignServiceId = (await ok(manager, createServiceOp, { input: { businessId: otherBusiness, name: 'Whitening', durationMinutes: 60 } })).createService.id;
  inDays = (days) => addDays(todayIn('America/New_York'), days);
});

afterAll(async () => {
  await subgraph?.stop();
  await db?.drop();
});

describe('setAvailability', () => {
  const weekdays = [
    { weekday: 0, startsAt: '13:00', endsAt: '17:00' },
    { weekday: 0, startsAt: '09:00', endsAt: '12:00' },
  ];

  it('is refused to STAFF with FORBIDDEN and to another organization with NOT_FOUND, writing nothing', async () => {
    const input = { businessId, intervals: weekdays };
    expect(await refusal(staffOf(orgA, 'STAFF'), setAvailabilityOp, { input })).toMatchObject({ code: 'FORBIDDEN', data: null });
    expect(await refusal(anonymous, setAvailabilityOp, { input })).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await refusal(staffOf(orgB, 'OWNER'), setAvailabilityOp, { input })).toMatchObject({ code: 'NOT_FOUND', data: null });
    expect(await refusal(staffOf(orgB, 'OWNER'), setAvailabilityOp, { input: { businessId: 'not-a-uuid', intervals: weekdays } })).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await prisma().availabilityRule.count({ where: { businessId } })).toBe(0);
  });

  it('lets a MANAGER set business-wide windows with a break, answered sorted', async () => {
    const answer = (await ok(manager, setAvailabilityOp, { input: { businessId, intervals: weekdays, validFrom: '2026-01-01' } })).setAvailability;
    expect(answer).toEqual([
      { id: expect.any(String), serviceId: null, weekday: 0, startsAt: '09:00', endsAt: '12:00', validFrom: '2026-01-01', validUntil: null },
      { id: expect.any(String), serviceId: null, weekday: 0, startsAt: '13:00', endsAt: '17:00', validFrom: '2026-01-01', validUntil: null },
    ]);
  });

  it('refuses bad input naming the field, and keeps the stored windows', async () => {
    const overlapping = [
      { weekday: 2, startsAt: '09:00', endsAt: '12:00' },
      { weekday: 2, startsAt: '11:00', endsAt: '14:00' },
    ];
    expect(await refusal(manager, setAvailabilityOp, { input: { businessId, intervals: overlapping } })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'intervals',
    });
    expect(await refusal(manager, setAvailabilityOp, { input: { businessId, intervals: [{ weekday: 1, startsAt: '10:00', endsAt: '09:00' }] } })).toMatchObject(
      {
        code: 'BAD_USER_INPUT',
        field: 'intervals[0].endsAt',
      },
    );
    expect(await refusal(manager, setAvailabilityOp, { input: { businessId, intervals: [], validFrom: '2026-13-01' } })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'validFrom',
    });
    expect(await refusal(manager, setAvailabilityOp, { input: { businessId, serviceId: foreignServiceId, intervals: weekdays } })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'serviceId',
    });
    expect(await prisma().availabilityRule.count({ where: { businessId } })).toBe(2);
    expect(await prisma().availabilityRule.count({ where: { serviceId: foreignServiceId } })).toBe(0);
  });

  it("replaces only its own scope: a service's windows leave the business-wide ones alone, and the reverse", async () => {
    await ok(manager, setAvailabilityOp, { input: { businessId, serviceId, intervals: [{ weekday: 1, startsAt: '10:00', endsAt: '11:00' }] } });
    const replaced = (
      await ok(manager, setAvailabilityOp, { input: { businessId, intervals: [{ weekday: 4, startsAt: '08:00', endsAt: '24:00' }], validUntil: '2027-12-31' } })
    ).setAvailability;
    expect(replaced).toEqual([
      { id: expect.any(String), serviceId: null, weekday: 4, startsAt: '08:00', endsAt: '24:00', validFrom: null, validUntil: '2027-12-31' },
    ]);

    const read = `query($slug: String, $s: ID) { business(slug: $slug) { all: availability { serviceId weekday startsAt } own: availability(serviceId: $s) { weekday startsAt endsAt } } }`;
    // Read by an anonymous PWA visitor: availability is public like the profile.
    expect((await ok(anonymous, read, { slug, s: serviceId })).business).toEqual({
      all: [
        { serviceId: null, weekday: 4, startsAt: '08:00' },
        { serviceId, weekday: 1, startsAt: '10:00' },
      ],
      own: [{ weekday: 1, startsAt: '10:00', endsAt: '11:00' }],
    });

    // An empty week removes the scope's windows.
    expect((await ok(manager, setAvailabilityOp, { input: { businessId, serviceId, intervals: [] } })).setAvailability).toEqual([]);
    expect(await prisma().availabilityRule.count({ where: { businessId } })).toBe(1);
    expect((await ok(staffOf(orgB), `query($id: ID) { business(id: $id) { availability { id } } }`, { id: businessId })).business).toBeNull();
  });

  it('leaves exactly one of several concurrent replacements of a scope, never a mix', async () => {
    const weeks = Array.from({ length: 8 }, (_, i) => [
      { weekday: 5, startsAt: `0${i + 1}:00`, endsAt: `0${i + 1}:30` },
      { weekday: 5, startsAt: `1${i}:00`, endsAt: `1${i}:30` },
    ]);
    await ok(manager, setAvailabilityOp, { input: { businessId, serviceId, intervals: weeks[0] } });
    await Promise.all(weeks.map((intervals) => ok(manager, setAvailabilityOp, { input: { businessId, serviceId, intervals } })));
    const stored = await prisma().availabilityRule.findMany({ where: { serviceId }, orderBy: { startsAt: 'asc' } });
    expect(stored).toHaveLength(2);
    expect(stored[1].startsAt - stored[0].startsAt).toBe(9 * 60);
    await ok(manager, setAvailabilityOp, { input: { businessId, serviceId, intervals: [] } });
  });
});

describe('availability exceptions', () => {
  it('adds one per date; the same again is a retry, different content is CONFLICT; remove answers the id', async () => {
    const christmas = { businessId, date: inDays(10), kind: 'HOLIDAY', reason: 'Christmas' };
    const first = (await ok(manager, addExceptionOp, { input: christmas })).addAvailabilityException;
    expect(first).toEqual({ id: expect.any(String), date: inDays(10), kind: 'HOLIDAY', opensAt: null, closesAt: null, reason: 'Christmas' });
    expect((await ok(manager, addExceptionOp, { input: christmas })).addAvailabilityException).toEqual(first);

    const conflict = await refusal(manager, addExceptionOp, { input: { ...christmas, kind: 'CLOSED' } });
    expect(conflict).toMatchObject({ code: 'CONFLICT', field: 'date' });
    expect(await prisma().availabilityException.findMany({ where: { businessId }, select: { kind: true, reason: true } })).toEqual([
      { kind: 'HOLIDAY', reason: 'Christmas' },
    ]);

    expect((await ok(manager, removeExceptionOp, { id: first.id })).removeAvailabilityException).toMatchObject({ id: first.id, date: first.date });
    expect(await refusal(manager, removeExceptionOp, { id: first.id })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await prisma().availabilityException.count({ where: { businessId } })).toBe(0);
  });

  it('keeps one row when the same exception is sent many times at once', async () => {
    const input = { businessId, date: inDays(40), kind: 'CLOSED', reason: 'Inventory' };
    const answers = await Promise.all(Array.from({ length: 8 }, () => ok(manager, addExceptionOp, { input })));
    expect(new Set(answers.map((answer) => answer.addAvailabilityException.id)).size).toBe(1);
    expect(await prisma().availabilityException.count({ where: { businessId, reason: 'Inventory' } })).toBe(1);
  });

  it('checks kinds, hours and dates, naming the field, and writes nothing', async () => {
    const day = inDays(12);
    expect(await refusal(manager, addExceptionOp, { input: { businessId, date: day, kind: 'SPECIAL_HOURS', opensAt: '10:00' } })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'closesAt',
    });
    expect(await refusal(manager, addExceptionOp, { input: { businessId, date: day, kind: 'CLOSED', opensAt: '10:00' } })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'opensAt',
    });
    expect(await refusal(manager, addExceptionOp, { input: { businessId, date: inDays(-1), kind: 'CLOSED' } })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'date',
    });
    expect(await refusal(manager, addExceptionOp, { input: { businessId, date: 'tomorrow', kind: 'CLOSED' } })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'date',
    });
    expect(await prisma().availabilityException.count({ where: { businessId, date: new Date(`${day}T00:00:00Z`) } })).toBe(0);
  });

  it('is MANAGER or higher and scoped to the organization: STAFF FORBIDDEN, another tenant NOT_FOUND', async () => {
    const input = { businessId, date: inDays(20), kind: 'SPECIAL_HOURS', opensAt: '10:00', closesAt: '14:00', reason: 'Staff training' };
    expect(await refusal(staffOf(orgA, 'STAFF'), addExceptionOp, { input })).toMatchObject({ code: 'FORBIDDEN', data: null });
    expect(await refusal(staffOf(orgB, 'OWNER'), addExceptionOp, { input })).toMatchObject({ code: 'NOT_FOUND', data: null });
    expect(await prisma().availabilityException.count({ where: { businessId, reason: 'Staff training' } })).toBe(0);

    const added = (await ok(staffOf(orgA, 'ADMIN'), addExceptionOp, { input })).addAvailabilityException;
    expect(await refusal(staffOf(orgA, 'STAFF'), removeExceptionOp, { id: added.id })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusal(staffOf(orgB, 'OWNER'), removeExceptionOp, { id: added.id })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await refusal(staffOf(orgB, 'OWNER'), removeExceptionOp, { id: 'nope' })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await prisma().availabilityException.count({ where: { id: added.id } })).toBe(1);
  });

  it('lists them for anonymous visitors from today by default, or between two days', async () => {
    const list = `query($slug: String, $from: String, $to: String) { business(slug: $slug) { availabilityExceptions(from: $from, to: $to) { date kind opensAt closesAt reason } } }`;
    const all = (await ok(anonymous, list, { slug })).business.availabilityExceptions;
    expect(all).toEqual([
      { date: inDays(20), kind: 'SPECIAL_HOURS', opensAt: '10:00', closesAt: '14:00', reason: 'Staff training' },
      { date: inDays(40), kind: 'CLOSED', opensAt: null, closesAt: null, reason: 'Inventory' },
    ]);
    expect((await ok(anonymous, list, { slug, from: inDays(21), to: inDays(40) })).business.availabilityExceptions.map((e: Data) => e.date)).toEqual([
      inDays(40),
    ]);
    expect((await ok(anonymous, list, { slug, from: inDays(0), to: inDays(39) })).business.availabilityExceptions.map((e: Data) => e.date)).toEqual([
      inDays(20),
    ]);
    expect(await refusal(anonymous, list, { slug, from: inDays(5), to: inDays(4) })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
  });
});

describe('setBookingPolicy', () => {
  it('takes spots per slot, no-show grace and standby offer time, in range, MANAGER or higher', async () => {
    expect(await refusal(manager, setPolicyOp, { input: { businessId, spotsPerSlot: 0 } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'spotsPerSlot' });
    expect(await refusal(manager, setPolicyOp, { input: { businessId, standbyOfferMinutes: 1441 } })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'standbyOfferMinutes',
    });
    expect(await refusal(staffOf(orgA, 'STAFF'), setPolicyOp, { input: { businessId, spotsPerSlot: 3 } })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await prisma().bookingPolicy.count({ where: { businessId } })).toBe(0);
    // Unset until now: the defaults show.
    const read = `query($id: ID) { business(id: $id) { bookingPolicy { spotsPerSlot noShowGraceMinutes standbyOfferMinutes slotMinutes } } }`;
    expect((await ok(anonymous, read, { id: businessId })).business.bookingPolicy).toEqual({
      spotsPerSlot: 1,
      noShowGraceMinutes: 15,
      standbyOfferMinutes: 30,
      slotMinutes: 15,
    });
  });

  it('takes the reminder time and quiet hours as a pair, refusing a bad one by name and writing nothing', async () => {
    const remindersOp = `mutation($input: SetBookingPolicyInput!) { setBookingPolicy(input: $input) { bookingPolicy { reminderMinutesBefore quietHoursStart quietHoursEnd } } }`;
    const read = `query($id: ID) { business(id: $id) { bookingPolicy { reminderMinutesBefore quietHoursStart quietHoursEnd } } }`;
    // Unset: a reminder an hour before, no quiet hours.
    expect((await ok(anonymous, read, { id: businessId })).business.bookingPolicy).toEqual({
      reminderMinutesBefore: 60,
      quietHoursStart: null,
      quietHoursEnd: null,
    });
    for (const [input, field] of [
      [{ reminderMinutesBefore: 10081 }, 'reminderMinutesBefore'],
      [{ reminderMinutesBefore: -1 }, 'reminderMinutesBefore'],
      [{ reminderMinutesBefore: null }, 'reminderMinutesBefore'],
      [{ quietHoursStart: '21:00' }, 'quietHoursEnd'],
      [{ quietHoursStart: null, quietHoursEnd: '08:00' }, 'quietHoursStart'],
      [{ quietHoursStart: '21:00', quietHoursEnd: '8:00' }, 'quietHoursEnd'],
      [{ reminderMinutesBefore: 30, quietHoursStart: '25:00', quietHoursEnd: '08:00' }, 'quietHoursStart'],
    ] as const) {
      expect(await refusal(manager, remindersOp, { input: { businessId, ...input } })).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(await prisma().bookingPolicy.count({ where: { businessId } })).toBe(0);

    const set = await ok(manager, remindersOp, { input: { businessId, reminderMinutesBefore: 1440, quietHoursStart: '21:00', quietHoursEnd: '08:00' } });
    expect(set.setBookingPolicy.bookingPolicy).toEqual({ reminderMinutesBefore: 1440, quietHoursStart: '21:00', quietHoursEnd: '08:00' });
    expect(await prisma().bookingPolicy.findUniqueOrThrow({ where: { businessId } })).toMatchObject({
      reminderMinutesBefore: 1440,
      quietHoursStart: '21:00',
      quietHoursEnd: '08:00',
    });
    expect((await scheduleOf(service, businessId)).policy).toMatchObject({ reminderMinutesBefore: 1440, quietHoursStart: '21:00', quietHoursEnd: '08:00' });
    // Other settings leave them alone; null together removes the quiet hours; 0 means no reminder.
    await ok(manager, remindersOp, { input: { businessId, slotMinutes: 15 } });
    expect((await ok(anonymous, read, { id: businessId })).business.bookingPolicy).toEqual({
      reminderMinutesBefore: 1440,
      quietHoursStart: '21:00',
      quietHoursEnd: '08:00',
    });
    await ok(manager, remindersOp, { input: { businessId, reminderMinutesBefore: 0, quietHoursStart: null, quietHoursEnd: null } });
    expect((await scheduleOf(service, businessId)).policy).toMatchObject({ reminderMinutesBefore: 0, quietHoursStart: null, quietHoursEnd: null });
    // Back to the defaults, which the schedule tests below expect.
    await prisma().bookingPolicy.delete({ where: { businessId } });
  });
});

describe('bookingSchedule (for the queue subgraph)', () => {
  it('holds the rules with the default policy while none is set, for our services and anonymous callers alike', async () => {
    const schedule = await scheduleOf(service, businessId);
    expect(schedule).toEqual({
      businessId,
      timezone: 'America/New_York',
      policy: {
        slotMinutes: 15,
        bufferBeforeMinutes: 0,
        bufferAfterMinutes: 0,
        minNoticeMinutes: 60,
        maxAdvanceDays: 60,
        maxBookingsPerDay: null,
        approvalRequired: false,
        cancellationWindowMinutes: 120,
        spotsPerSlot: 1,
        noShowGraceMinutes: 15,
        standbyOfferMinutes: 30,
        reminderMinutesBefore: 60,
        quietHoursStart: null,
        quietHoursEnd: null,
      },
      availability: [{ serviceId: null, weekday: 4, startsAt: 480, endsAt: 1440, validFrom: null, validUntil: '2027-12-31' }],
      openingHours: [],
      exceptions: [
        { date: inDays(20), kind: 'SPECIAL_HOURS', opensAt: 600, closesAt: 840 },
        { date: inDays(40), kind: 'CLOSED', opensAt: null, closesAt: null },
      ],
      services: [{ id: serviceId, name: 'Check-up', durationMinutes: 30, bufferBeforeMinutes: 5, bufferAfterMinutes: 10, bookableOnline: true, active: true }],
    });
    // The gateway asks it on behalf of whoever reads availableSlots, a PWA visitor included.
    expect(await scheduleOf(anonymous, businessId)).toEqual(schedule);
    // Staff of another organization do not reach the business at all.
    expect((await ok(staffOf(orgB), scheduleOp, { r: representations([businessId]) }))._entities).toEqual([null]);
  });

  it('is never stale after a write that changes it (policy, windows, exceptions, services, hours, time zone)', async () => {
    await scheduleOf(service, businessId); // the profile is cached now
    await ok(manager, setPolicyOp, { input: { businessId, spotsPerSlot: 3, noShowGraceMinutes: 0, standbyOfferMinutes: 5, slotMinutes: 20 } });
    await ok(manager, setAvailabilityOp, { input: { businessId, serviceId, intervals: [{ weekday: 6, startsAt: '10:00', endsAt: '12:00' }] } });
    await ok(manager, `mutation($id: ID!) { updateService(input: { id: $id, bufferAfterMinutes: 0, bookableOnline: false, active: false }) { id } }`, {
      id: serviceId,
    });
    await ok(manager, `mutation($id: ID!) { setOpeningHours(businessId: $id, intervals: [{ weekday: 0, opensAt: "08:00", closesAt: "18:00" }]) { id } }`, {
      id: businessId,
    });
    await ok(manager, `mutation($id: ID!) { updateBusiness(input: { id: $id, timezone: "Asia/Tokyo" }) { id } }`, { id: businessId });
    const exception = await prisma().availabilityException.findFirstOrThrow({ where: { businessId, kind: 'CLOSED' } });
    await ok(manager, removeExceptionOp, { id: exception.id });

    const schedule = await scheduleOf(service, businessId);
    expect(schedule.timezone).toBe('Asia/Tokyo');
    expect(schedule.policy).toMatchObject({ spotsPerSlot: 3, noShowGraceMinutes: 0, standbyOfferMinutes: 5, slotMinutes: 20, minNoticeMinutes: 60 });
    expect(schedule.availability).toEqual([
      { serviceId: null, weekday: 4, startsAt: 480, endsAt: 1440, validFrom: null, validUntil: '2027-12-31' },
      { serviceId, weekday: 6, startsAt: 600, endsAt: 720, validFrom: null, validUntil: null },
    ]);
    expect(schedule.services).toEqual([
      { id: serviceId, name: 'Check-up', durationMinutes: 30, bufferBeforeMinutes: 5, bufferAfterMinutes: 0, bookableOnline: false, active: false },
    ]);
    expect(schedule.openingHours).toEqual([{ weekday: 0, opensAt: 480, closesAt: 1080 }]);
    expect(schedule.exceptions.map((e: Data) => e.kind)).toEqual(['SPECIAL_HOURS']);
  });

  it('costs the same statements for 1 business as for 5 in one request (one per table at most)', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const id = (await ok(manager, createBusinessOp, { input: { name: `Branch ${i}`, timezone: 'Europe/Berlin' } })).createBusiness.id;
      ids.push(id);
      await ok(manager, createServiceOp, { input: { businessId: id, name: `Cut ${i}`, durationMinutes: 20 } });
      await ok(manager, createServiceOp, { input: { businessId: id, name: `Dye ${i}`, durationMinutes: 40 } });
      await ok(manager, setAvailabilityOp, {
        input: {
          businessId: id,
          intervals: [
            { weekday: 0, startsAt: '09:00', endsAt: '12:00' },
            { weekday: 1, startsAt: '09:00', endsAt: '12:00' },
          ],
        },
      });
      await ok(manager, `mutation($id: ID!) { setOpeningHours(businessId: $id, intervals: [{ weekday: 0, opensAt: "08:00", closesAt: "18:00" }]) { id } }`, {
        id,
      });
      await ok(manager, addExceptionOp, { input: { businessId: id, date: inDays(3), kind: 'HOLIDAY' } });
      await ok(manager, setPolicyOp, { input: { businessId: id, spotsPerSlot: i + 1 } });
    }
    // Profiles come from the cache once warm; what is measured is the schedule's own reads.
    await ok(service, scheduleOp, { r: representations(ids) });

    const one = await statementsOf(() => ok(service, scheduleOp, { r: representations(ids.slice(0, 1)) }));
    const five = await statementsOf(() => ok(service, scheduleOp, { r: representations(ids) }));
    expect(five.result._entities.map((entity: Data) => entity.bookingSchedule.policy.spotsPerSlot)).toEqual([1, 2, 3, 4, 5]);
    expect(five.result._entities[4].bookingSchedule).toMatchObject({
      businessId: ids[4],
      timezone: 'Europe/Berlin',
      availability: [expect.objectContaining({ weekday: 0 }), expect.objectContaining({ weekday: 1 })],
      exceptions: [{ date: inDays(3), kind: 'HOLIDAY', opensAt: null, closesAt: null }],
      services: [expect.objectContaining({ name: 'Cut 4' }), expect.objectContaining({ name: 'Dye 4' })],
    });
    // Policies, windows, opening hours, exceptions, services.
    expect(one.statements).toBe(5);
    expect(five.statements).toBe(one.statements);
  });
});
