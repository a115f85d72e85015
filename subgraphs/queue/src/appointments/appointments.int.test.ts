import { DateTime } from 'luxon';
import type { Identity } from '@waitlessq/auth';
import { anonymous, errorCode, ok, type SeededTenant } from '@waitlessq/testkit';
import { startQueueHarness, type QueueHarness } from '../test-support/harness';
import { createBusinessPeer } from '../peers';
import { expireStandbyOffers, type OfferDeps } from '../standby/offers';
import { isSlotUnavailable } from './capacity';
import { markNoShows } from './sweeper';

// Dozens of simultaneous bookings: slower than jest's default on a busy two-core machine.
jest.setTimeout(60_000);

let harness: QueueHarness;

beforeAll(async () => {
  harness = await startQueueHarness();
});
afterAll(() => harness?.close());

const appointmentFields = `id status kind ticket scheduledAt scheduledEndAt checkInDeadline cancellableUntil position
  history { fromStatus toStatus actorKind action fromScheduledAt toScheduledAt onTime }`;
const bookOp = `mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { visitToken visit { ${appointmentFields} } } }`;
const rescheduleOp = `mutation($visitId: ID!, $startsAt: DateTime!, $visitToken: String) {
  rescheduleAppointment(visitId: $visitId, startsAt: $startsAt, visitToken: $visitToken) { ${appointmentFields} } }`;
const approveOp = `mutation($visitId: ID!) { approveAppointment(visitId: $visitId) { ${appointmentFields} } }`;
const checkInOp = `mutation($visitId: ID!, $visitToken: String) { checkIn(visitId: $visitId, visitToken: $visitToken) { ${appointmentFields} } }`;
const cancelOp = `mutation($visitId: ID!, $visitToken: String) { cancelVisit(visitId: $visitId, visitToken: $visitToken) { id status } }`;
const joinStandbyOp = `mutation($input: JoinStandbyInput!) { joinStandby(input: $input) { token entry { id status fromDay untilDay } } }`;
const standbyOp = `query($id: ID!, $token: String) { standbyEntry(id: $id, token: $token) { id status offers { id status startsAt } visit { id status } } }`;
const acceptOp = `mutation($offerId: ID!, $token: String!) { acceptStandbyOffer(offerId: $offerId, token: $token) { visitToken visit { id status scheduledAt } } }`;

type Booked = { bookAppointment: { visitToken: string; visit: { id: string; status: string; scheduledAt: string; cancellableUntil: string } } };

interface Shop {
  tenant: SeededTenant;
  serviceId: string;
  queueId: string;
  /** 10:00 business-local, some days ahead: a slot of the test's availability. */
  slot(daysAhead?: number, hour?: number): string;
}

/** A business open around the clock for a 30-minute service, with one queue and the policy given. */
async function shop(policy: Record<string, unknown> = {}, timezone = 'Europe/Berlin'): Promise<Shop> {
  const tenant = await harness.createTenant({ timezone, serviceMinutes: [30] });
  const [serviceId] = tenant.serviceIds;
  const { prisma } = harness;
  await prisma.availabilityRule.createMany({
    data: [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ businessId: tenant.businessId, weekday, startsAt: 0, endsAt: 24 * 60 })),
  });
  await prisma.bookingPolicy.create({ data: { businessId: tenant.businessId, slotMinutes: 30, minNoticeMinutes: 0, spotsPerSlot: 1, ...policy } });
  const queue = await prisma.queue.create({ data: { organizationId: tenant.organizationId, businessId: tenant.businessId, name: 'Desk', timezone } });
  const slot = (daysAhead = 2, hour = 10) =>
    DateTime.now().setZone(timezone).plus({ days: daysAhead }).set({ hour, minute: 0, second: 0, millisecond: 0 }).toUTC().toISO()!;
  return { tenant, serviceId, queueId: queue.id, slot };
}

const book = (s: Shop, input: Record<string, unknown> = {}, identity = anonymous) =>
  harness.call<Booked>(identity, bookOp, {
    input: { businessId: s.tenant.businessId, serviceId: s.serviceId, startsAt: s.slot(), name: 'Ada', phone: '+49 30 1234', ...input },
  });

const offerDeps = (): OfferDeps => ({ prisma: harness.prisma, businessPeer: createBusinessPeer(harness.runtime), logger: harness.runtime.logger });

const appointmentsOf = (s: Shop) => harness.prisma.visit.count({ where: { businessId: s.tenant.businessId, kind: 'APPOINTMENT' } });

describe('bookAppointment', () => {
  it('gives the last spot of a slot to exactly one of 50 simultaneous bookings; the rest get SLOT_UNAVAILABLE', async () => {
    const s = await shop();
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => book(s, { name: `Guest ${i}` })));
    const codes = answers.map((answer) => (answer.errors?.length ? errorCode(answer) : 'BOOKED'));
    expect(codes.filter((code) => code === 'BOOKED')).toHaveLength(1);
    expect(codes.filter((code) => code === 'SLOT_UNAVAILABLE')).toHaveLength(49);
    expect(await appointmentsOf(s)).toBe(1);
  });

  it('answers a retry with the same idempotency key with the same visit and token, and refuses the key for another booking', async () => {
    const s = await shop({ spotsPerSlot: 5 });
    const first = ok(await book(s, { idempotencyKey: 'b-1' })).bookAppointment;
    const again = await Promise.all([book(s, { idempotencyKey: 'b-1' }), book(s, { idempotencyKey: 'b-1' })]);
    for (const answer of again) {
      expect(ok(answer).bookAppointment.visit.id).toBe(first.visit.id);
      expect(ok(answer).bookAppointment.visitToken).toBe(first.visitToken);
    }
    expect(errorCode(await book(s, { idempotencyKey: 'b-1', startsAt: s.slot(3) }))).toBe('IDEMPOTENCY_KEY_REUSED');
    // Another caller with the very same input gets neither the visit nor its token.
    const stranger = await book(s, { idempotencyKey: 'b-1' }, { kind: 'anonymous', clientFingerprint: 'another-phone' });
    expect(errorCode(stranger)).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(JSON.stringify(stranger)).not.toContain(first.visitToken);
    expect(errorCode(await book(s, { idempotencyKey: 'b-1' }, s.tenant.staff('STAFF')))).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await appointmentsOf(s)).toBe(1);
  });

  it('counts spots per slot and buffers: three spots, then SLOT_UNAVAILABLE; an overlapping time with a buffer is taken too', async () => {
    const s = await shop({ spotsPerSlot: 3, bufferAfterMinutes: 15 });
    for (const name of ['A', 'B', 'C']) expect(ok(await book(s, { name })).bookAppointment.visit.status).toBe('BOOKED');
    expect(errorCode(await book(s, { name: 'D' }))).toBe('SLOT_UNAVAILABLE');
    // 10:30 starts inside the 15-minute buffer after 10:00-10:30 (blocked until 10:45).
    const halfPast = DateTime.fromISO(s.slot()).plus({ minutes: 30 }).toUTC().toISO()!;
    expect(errorCode(await book(s, { name: 'E', startsAt: halfPast }))).toBe('SLOT_UNAVAILABLE');
    expect(await appointmentsOf(s)).toBe(3);
  });

  it('is refused by the database itself past the slot capacity, whatever the code above it checked', async () => {
    const s = await shop();
    const startsAt = new Date(s.slot());
    const row = (name: string) => ({
      organizationId: s.tenant.organizationId,
      queueId: s.queueId,
      businessId: s.tenant.businessId,
      serviceId: s.serviceId,
      customerName: name,
      kind: 'APPOINTMENT' as const,
      status: 'BOOKED' as const,
      scheduledAt: startsAt,
      blockedFrom: startsAt,
      blockedUntil: new Date(startsAt.getTime() + 30 * 60_000),
      bookingDay: new Date(`${s.slot().slice(0, 10)}T00:00:00Z`),
      slotCapacity: 1,
    });
    await harness.prisma.visit.create({ data: row('first') });
    const refused = await harness.prisma.visit.create({ data: row('second') }).catch((error: unknown) => error);
    expect(isSlotUnavailable(refused)).toBe(true);
    // A cancelled booking frees its spot.
    await harness.prisma.visit.updateMany({ where: { businessId: s.tenant.businessId }, data: { status: 'CANCELLED' } });
    await expect(harness.prisma.visit.create({ data: row('third') })).resolves.toMatchObject({ customerName: 'third' });
  });

  it('refuses bad input with its code and writes nothing', async () => {
    const s = await shop();
    const other = await shop();
    expect(errorCode(await book(s, { phone: null }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await book(s, { name: '' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await book(s, { startsAt: 'yesterday' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await book(s, { startsAt: DateTime.fromISO(s.slot()).plus({ minutes: 7 }).toUTC().toISO() }))).toBe('SLOT_UNAVAILABLE');
    expect(errorCode(await book(s, { startsAt: DateTime.now().minus({ days: 1 }).toUTC().toISO() }))).toBe('SLOT_UNAVAILABLE');
    expect(errorCode(await book(s, {}, other.tenant.staff('MANAGER')))).toBe('NOT_FOUND');
    expect(errorCode(await book(s, { serviceId: other.serviceId }))).toBe('BAD_USER_INPUT');
    expect(await appointmentsOf(s)).toBe(0);
  });
});

describe('reminders and language', () => {
  const remindersOf = (visitId: string) =>
    harness.prisma.visit.findUniqueOrThrow({ where: { id: visitId }, select: { remindAt: true, remindedAt: true, locale: true } });
  /** An instant at a business-local wall-clock time, some days ahead (as the shop's slots are). */
  const localAt = (s: Shop, daysAhead: number, hour: number, minute = 0) =>
    new Date(DateTime.fromISO(s.slot(daysAhead, hour)).set({ minute }).toUTC().toISO()!);

  it('sets remindAt at booking, out of the quiet hours, and resets it (and remindedAt) when the appointment moves', async () => {
    const s = await shop({ reminderMinutesBefore: 600, quietHoursStart: '21:00', quietHoursEnd: '08:00' });
    // 10:00 local, 10 h before = 00:00 local: in the quiet night, so at its end, 08:00 local.
    const { visit, visitToken } = ok(await book(s, { startsAt: s.slot(2, 10) })).bookAppointment;
    expect(await remindersOf(visit.id)).toEqual({ remindAt: localAt(s, 2, 8), remindedAt: null, locale: null });

    // As if the sweep had sent it; then the customer moves to 07:00 local, 10 h before = 21:00 the evening before:
    // the night ends after the start, so just before it began (20:59 local), and it is to be sent again.
    await harness.prisma.visit.update({ where: { id: visit.id }, data: { remindedAt: new Date() } });
    ok(await harness.call(anonymous, rescheduleOp, { visitId: visit.id, visitToken, startsAt: s.slot(4, 7) }));
    expect(await remindersOf(visit.id)).toEqual({ remindAt: localAt(s, 3, 20, 59), remindedAt: null, locale: null });

    // 18:00 local: 08:00 local is outside the quiet hours, as it is.
    ok(await harness.call(anonymous, rescheduleOp, { visitId: visit.id, visitToken, startsAt: s.slot(5, 18) }));
    expect((await remindersOf(visit.id)).remindAt).toEqual(localAt(s, 5, 8));
  });

  it('sets none when the policy sends none, or when its time has already passed at booking', async () => {
    const none = await shop({ reminderMinutesBefore: 0 });
    expect((await remindersOf(ok(await book(none)).bookAppointment.visit.id)).remindAt).toBeNull();
    const s = await shop({ reminderMinutesBefore: 24 * 60 });
    const soon = DateTime.now().plus({ hours: 3 }).startOf('hour').toUTC().toISO()!;
    const soonVisit = ok(await book(s, { startsAt: soon })).bookAppointment.visit;
    expect((await remindersOf(soonVisit.id)).remindAt).toBeNull();
    // Out of the way of the no-show sweeps below, which sweep every business.
    ok(await harness.call(s.tenant.staff('STAFF'), cancelOp, { visitId: soonVisit.id }));
    // Without any reminder setting (the default policy): an hour before.
    const plain = await shop();
    const booked = ok(await book(plain, { startsAt: plain.slot(2, 10) })).bookAppointment.visit;
    expect((await remindersOf(booked.id)).remindAt).toEqual(localAt(plain, 2, 9));
  });

  it('drops a reminder that fell due while the booking waited for approval', async () => {
    const s = await shop({ approvalRequired: true });
    const { visit } = ok(await book(s, { startsAt: s.slot(2, 10) })).bookAppointment;
    expect((await remindersOf(visit.id)).remindAt).toEqual(localAt(s, 2, 9));
    await harness.prisma.visit.update({ where: { id: visit.id }, data: { remindAt: new Date(Date.now() - 60_000) } });
    ok(await harness.call(s.tenant.staff('STAFF'), approveOp, { visitId: visit.id }));
    expect((await remindersOf(visit.id)).remindAt).toBeNull();
    // One still ahead is kept.
    const later = ok(await book(s, { startsAt: s.slot(3, 10) })).bookAppointment.visit;
    ok(await harness.call(s.tenant.staff('STAFF'), approveOp, { visitId: later.id }));
    expect((await remindersOf(later.id)).remindAt).toEqual(localAt(s, 3, 9));
  });

  it("stores the visitor's language and shows it as Visit.language; a bad one is BAD_USER_INPUT with nothing written", async () => {
    const s = await shop({ spotsPerSlot: 5 });
    const withLanguage = `mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { visit { id language } } }`;
    const answer = await harness.call<{ bookAppointment: { visit: { id: string; language: string | null } } }>(anonymous, withLanguage, {
      input: { businessId: s.tenant.businessId, serviceId: s.serviceId, startsAt: s.slot(), name: 'Ada', phone: '+49 30 1234', language: 'de-de' },
    });
    expect(ok(answer).bookAppointment.visit.language).toBe('de-DE');
    expect((await remindersOf(ok(answer).bookAppointment.visit.id)).locale).toBe('de-DE');
    const refused = await book(s, { language: 'Deutsch bitte' });
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.extensions?.field).toBe('language');
    expect(await appointmentsOf(s)).toBe(1);
  });
});

describe('the life of an appointment', () => {
  it('waits for approval when the policy asks, then checks in and enters the line', async () => {
    const s = await shop({ approvalRequired: true });
    const startsAt = DateTime.now().plus({ minutes: 30 }).startOf('hour').plus({ hours: 1 }).toUTC().toISO()!;
    const { visit, visitToken } = ok(await book(s, { startsAt })).bookAppointment;
    expect(visit.status).toBe('PENDING');
    expect(errorCode(await harness.call(anonymous, checkInOp, { visitId: visit.id, visitToken }))).toBe('INVALID_TRANSITION');
    expect(errorCode(await harness.call(anonymous, approveOp, { visitId: visit.id }))).toBe('UNAUTHENTICATED');
    const approved = ok(await harness.call<{ approveAppointment: { status: string } }>(s.tenant.staff('STAFF'), approveOp, { visitId: visit.id }));
    expect(approved.approveAppointment.status).toBe('BOOKED');
    type CheckedIn = { checkIn: { status: string; ticket: string; position: number; history: { toStatus: string; action: string; onTime: boolean | null }[] } };
    const checkedIn = ok(await harness.call<CheckedIn>(anonymous, checkInOp, { visitId: visit.id, visitToken })).checkIn;
    expect(checkedIn).toMatchObject({ status: 'WAITING', ticket: 'A-001', position: 1 });
    expect(checkedIn.history.map((event) => [event.toStatus, event.action, event.onTime])).toEqual([
      ['PENDING', 'BOOKED', null],
      ['BOOKED', 'APPROVED', null],
      ['WAITING', 'CHECKED_IN', true],
    ]);
  });

  it('lets the customer cancel or move only inside the cancellation window; staff at any time', async () => {
    const s = await shop({ cancellationWindowMinutes: 24 * 60 });
    const inThreeHours = DateTime.now().plus({ hours: 3 }).startOf('hour').toUTC().toISO();
    const soon = ok(await book(s, { startsAt: inThreeHours })).bookAppointment;
    expect(errorCode(await harness.call(anonymous, cancelOp, { visitId: soon.visit.id, visitToken: soon.visitToken }))).toBe('CANCELLATION_WINDOW_PASSED');
    expect(errorCode(await harness.call(anonymous, rescheduleOp, { visitId: soon.visit.id, visitToken: soon.visitToken, startsAt: s.slot(5) }))).toBe(
      'CANCELLATION_WINDOW_PASSED',
    );
    expect(ok(await harness.call<{ cancelVisit: { status: string } }>(s.tenant.staff('STAFF'), cancelOp, { visitId: soon.visit.id })).cancelVisit.status).toBe(
      'CANCELLED',
    );

    const later = ok(await book(s, { startsAt: s.slot(4) })).bookAppointment;
    type Moved = {
      rescheduleAppointment: { scheduledAt: string; history: { action: string; fromScheduledAt: string | null; toScheduledAt: string | null }[] };
    };
    const moved = ok(await harness.call<Moved>(anonymous, rescheduleOp, { visitId: later.visit.id, visitToken: later.visitToken, startsAt: s.slot(6) }));
    expect(new Date(moved.rescheduleAppointment.scheduledAt).toISOString()).toBe(new Date(s.slot(6)).toISOString());
    expect(moved.rescheduleAppointment.history.map((event) => [event.action, event.fromScheduledAt, event.toScheduledAt])).toEqual([
      ['BOOKED', null, new Date(s.slot(4)).toISOString()],
      ['RESCHEDULED', new Date(s.slot(4)).toISOString(), new Date(s.slot(6)).toISOString()],
    ]);
    // The old time is free again: another booking takes it.
    expect(ok(await book(s, { startsAt: s.slot(4), name: 'Bo' })).bookAppointment.visit.status).toBe('BOOKED');
    expect(
      ok(await harness.call<{ cancelVisit: { status: string } }>(anonymous, cancelOp, { visitId: later.visit.id, visitToken: later.visitToken })).cancelVisit
        .status,
    ).toBe('CANCELLED');
  });

  it('becomes NO_SHOW by itself once its check-in deadline passes, once, with its history', async () => {
    const s = await shop({ noShowGraceMinutes: 10 });
    const { visit } = ok(await book(s, { startsAt: s.slot(1) })).bookAppointment;
    const deadline = new Date(new Date(s.slot(1)).getTime() + 10 * 60_000);
    expect(await markNoShows(harness.prisma, new Date(deadline.getTime() - 1000))).toEqual([]);
    const marked = await markNoShows(harness.prisma, new Date(deadline.getTime() + 1000));
    expect(marked.map((row) => row.id)).toContain(visit.id);
    expect(await markNoShows(harness.prisma, new Date(deadline.getTime() + 2000))).not.toContainEqual(expect.objectContaining({ id: visit.id }));
    const row = await harness.prisma.visit.findUniqueOrThrow({ where: { id: visit.id }, include: { history: true } });
    expect(row.status).toBe('NO_SHOW');
    expect(row.history.map((event) => [event.fromStatus, event.toStatus, event.action])).toContainEqual(['BOOKED', 'NO_SHOW', 'NOT_CHECKED_IN']);
  });
});

describe('the no-show sweep on several replicas at once', () => {
  it('marks each appointment once, with one history event, however many sweeps race', async () => {
    const s = await shop({ spotsPerSlot: 5, noShowGraceMinutes: 0 });
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c', 'd', 'e']) ids.push(ok(await book(s, { name, startsAt: s.slot(1) })).bookAppointment.visit.id);
    const after = new Date(new Date(s.slot(1)).getTime() + 60_000);
    const sweeps = await Promise.all([markNoShows(harness.prisma, after), markNoShows(harness.prisma, after), markNoShows(harness.prisma, after)]);
    const marked = sweeps
      .flat()
      .map((row) => row.id)
      .filter((id) => ids.includes(id));
    expect(marked.sort()).toEqual([...ids].sort());
    const events = await harness.prisma.visitEvent.count({ where: { visitId: { in: ids }, action: 'NOT_CHECKED_IN' } });
    expect(events).toBe(5);
  });
});

describe('standby', () => {
  type Joined = { joinStandby: { token: string; entry: { id: string; status: string } } };
  const joinStandby = (s: Shop, name: string) =>
    harness.call<Joined>(anonymous, joinStandbyOp, {
      input: {
        businessId: s.tenant.businessId,
        serviceId: s.serviceId,
        fromDay: DateTime.now().toISODate(),
        untilDay: DateTime.now().plus({ days: 7 }).toISODate(),
        name,
        email: `${name}@example.com`,
      },
    });
  type Entry = { standbyEntry: { status: string; offers: { id: string; status: string; startsAt: string }[]; visit: { id: string } | null } };
  const entryOf = async (id: string, token: string) => ok(await harness.call<Entry>(anonymous, standbyOp, { id, token })).standbyEntry;

  it('answers a retry of joinStandby with the first entry and token; another caller or another input gets IDEMPOTENCY_KEY_REUSED', async () => {
    const s = await shop();
    const input = {
      businessId: s.tenant.businessId,
      serviceId: s.serviceId,
      fromDay: DateTime.now().toISODate(),
      untilDay: DateTime.now().plus({ days: 7 }).toISODate(),
      name: 'Kim',
      email: 'kim@example.com',
      idempotencyKey: 'sb-1',
    };
    const send = (identity: Identity, extra: Record<string, unknown> = {}) => harness.call<Joined>(identity, joinStandbyOp, { input: { ...input, ...extra } });
    const phone = { kind: 'anonymous', clientFingerprint: 'kims-phone' } as const;
    const first = ok(await send(phone)).joinStandby;
    expect(ok(await send(phone)).joinStandby).toEqual(first);
    const stranger = await send({ kind: 'anonymous', clientFingerprint: 'another-phone' });
    expect(errorCode(stranger)).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(JSON.stringify(stranger)).not.toContain(first.token);
    expect(errorCode(await send(phone, { name: 'Lee' }))).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await harness.prisma.standbyEntry.count({ where: { businessId: s.tenant.businessId } })).toBe(1);
  });

  it("offers a cancelled booking's slot to the first entry, then to the next when the offer expires; accepting books it", async () => {
    const s = await shop({ standbyOfferMinutes: 10 });
    const booked = ok(await book(s)).bookAppointment;
    const first = ok(await joinStandby(s, 'first')).joinStandby;
    const second = ok(await joinStandby(s, 'second')).joinStandby;
    ok(await harness.call(s.tenant.staff('STAFF'), cancelOp, { visitId: booked.visit.id }));

    const offered = await entryOf(first.entry.id, first.token);
    expect(offered.status).toBe('OFFERED');
    expect(offered.offers).toHaveLength(1);
    expect(new Date(offered.offers[0].startsAt).toISOString()).toBe(new Date(s.slot()).toISOString());
    expect((await entryOf(second.entry.id, second.token)).offers).toHaveLength(0);
    expect(errorCode(await harness.call(anonymous, standbyOp, { id: first.entry.id, token: second.token }))).toBe('NOT_FOUND');

    await expireStandbyOffers(offerDeps(), new Date(Date.now() + 60_000));
    // Not yet expired at that instant: nothing moved.
    expect((await entryOf(first.entry.id, first.token)).status).toBe('OFFERED');

    const accepted = ok(
      await harness.call<{ acceptStandbyOffer: { visit: { id: string; status: string } } }>(anonymous, acceptOp, {
        offerId: offered.offers[0].id,
        token: first.token,
      }),
    );
    expect(accepted.acceptStandbyOffer.visit.status).toBe('BOOKED');
    const after = await entryOf(first.entry.id, first.token);
    expect(after).toMatchObject({ status: 'BOOKED', visit: { id: accepted.acceptStandbyOffer.visit.id } });
    // A retry of the acceptance gives the same booking.
    const retry = ok(
      await harness.call<{ acceptStandbyOffer: { visit: { id: string } } }>(anonymous, acceptOp, { offerId: offered.offers[0].id, token: first.token }),
    );
    expect(retry.acceptStandbyOffer.visit.id).toBe(accepted.acceptStandbyOffer.visit.id);
    expect(await appointmentsOf(s)).toBe(2);
  });

  it('gives one booking when a standby offer and a direct booking take the same slot at the same instant', async () => {
    const s = await shop();
    const booked = ok(await book(s)).bookAppointment;
    const entry = ok(await joinStandby(s, 'waiting')).joinStandby;
    ok(await harness.call(s.tenant.staff('STAFF'), cancelOp, { visitId: booked.visit.id }));
    const [offer] = (await entryOf(entry.entry.id, entry.token)).offers;
    const [viaOffer, direct] = await Promise.all([harness.call(anonymous, acceptOp, { offerId: offer.id, token: entry.token }), book(s, { name: 'Direct' })]);
    const outcomes = [viaOffer, direct].map((answer) => (answer.errors?.length ? errorCode(answer) : 'BOOKED')).sort();
    expect(outcomes).toEqual(['BOOKED', 'SLOT_UNAVAILABLE']);
    const active = await harness.prisma.visit.count({ where: { businessId: s.tenant.businessId, kind: 'APPOINTMENT', status: { in: ['BOOKED', 'PENDING'] } } });
    expect(active).toBe(1);
  });

  it('expires an offer nobody took and offers the slot to the next entry', async () => {
    const s = await shop({ standbyOfferMinutes: 5 });
    const booked = ok(await book(s)).bookAppointment;
    const first = ok(await joinStandby(s, 'one')).joinStandby;
    const second = ok(await joinStandby(s, 'two')).joinStandby;
    ok(await harness.call(s.tenant.staff('STAFF'), cancelOp, { visitId: booked.visit.id }));
    await expireStandbyOffers(offerDeps(), new Date(Date.now() + 6 * 60_000));
    const one = await entryOf(first.entry.id, first.token);
    expect(one.status).toBe('WAITING');
    expect(one.offers.map((o) => o.status)).toEqual(['EXPIRED']);
    const two = await entryOf(second.entry.id, second.token);
    expect(two.status).toBe('OFFERED');
    expect(two.offers.map((o) => o.status)).toEqual(['OPEN']);
    expect(errorCode(await harness.call(anonymous, acceptOp, { offerId: one.offers[0].id, token: first.token }))).toBe('SLOT_UNAVAILABLE');
  });
});
