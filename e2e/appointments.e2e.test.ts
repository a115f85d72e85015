import {
  connectSubscriptions,
  createTenant,
  createTestDatabase,
  errorCode,
  graphEnv,
  graphql,
  graphqlOk,
  rateLimitsOff,
  startGraph,
  type RunningGraph,
  type Tenant,
  type TestDatabase,
  type TestSubscriptionClient,
} from '@waitlessq/testkit';

// Appointments end to end: the gateway and the four subgraphs as separate processes, a visitor
// without an account in front of the PWA, staff at the desk, both live over graphql-ws.

let db: TestDatabase;
let graph: RunningGraph;
let api: string;
let tenant: Tenant;
let other: Tenant;
const clients: TestSubscriptionClient[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  graph = await startGraph(graphEnv(db, rateLimitsOff));
  api = graph.gateway.url;
  [tenant, other] = await Promise.all([createTenant(api, 'Booked'), createTenant(api, 'Other')]);
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await graph?.stop();
  await db?.drop();
});

const call = <T = Record<string, unknown>>(query: string, variables: Record<string, unknown>, token?: string) => graphqlOk<T>(api, { query, variables, token });
const owner = () => tenant.staff.OWNER.accessToken;
const staff = () => tenant.staff.STAFF.accessToken;
async function connect(params: Record<string, unknown> = {}): Promise<TestSubscriptionClient> {
  const client = await connectSubscriptions(api, params);
  clients.push(client);
  return client;
}

const SLOTS = `query($id: ID!, $serviceId: ID!, $from: DateTime!, $to: DateTime!) {
  business(id: $id) { name availableSlots(serviceId: $serviceId, from: $from, to: $to) { startsAt endsAt spotsLeft } }
}`;
const BOOK = `mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) { visitToken visit { id status scheduledAt } } }`;
const VISIT_UPDATED = `subscription($visitId: ID!, $visitToken: String) {
  visitUpdated(visitId: $visitId, visitToken: $visitToken) { sequence change visit { id status position ticket counter } }
}`;
const QUEUE_UPDATED = `subscription($queueId: ID!) {
  queueUpdated(queueId: $queueId) { sequence change visits { id status queue { id } recallCount } }
}`;

type Slot = { startsAt: string; spotsLeft: number };
type VisitEvent = { visitUpdated: { change: string; visit: { status: string; position: number | null; ticket: string | null; counter: string | null } } };
type QueueEvent = { queueUpdated: { change: string; visits: { id: string; status: string; queue: { id: string }; recallCount: number }[] } };

describe('a visitor books, is approved, checks in, is called and served', () => {
  it('lists slots without an account, books one, and sees every step live', async () => {
    await call(
      `mutation($input: SetBookingPolicyInput!) { setBookingPolicy(input: $input) { id } }`,
      { input: { businessId: tenant.businessId, approvalRequired: true } },
      owner(),
    );
    const from = new Date();
    const to = new Date(from.getTime() + 2 * 3600_000);
    const { business } = await call<{ business: { availableSlots: Slot[] } }>(SLOTS, {
      id: tenant.businessId,
      serviceId: tenant.serviceId,
      from: from.toISOString(),
      to: to.toISOString(),
    });
    expect(business.availableSlots.length).toBeGreaterThan(0);
    const slot = business.availableSlots[0];
    expect(new Date(slot.startsAt).getTime()).toBeGreaterThanOrEqual(from.getTime());
    expect(slot.spotsLeft).toBe(1);

    const { bookAppointment } = await call<{ bookAppointment: { visitToken: string; visit: { id: string; status: string } } }>(BOOK, {
      input: {
        businessId: tenant.businessId,
        serviceId: tenant.serviceId,
        startsAt: slot.startsAt,
        name: 'Visitor',
        phone: '+49 30 555 0101',
        idempotencyKey: 'e2e-book-1',
      },
    });
    expect(bookAppointment.visit.status).toBe('PENDING');
    const { visitToken } = bookAppointment;
    const visitId = bookAppointment.visit.id;
    // The slot is taken: it is no longer offered, and booking it again fails.
    const after = await call<{ business: { availableSlots: Slot[] } }>(SLOTS, {
      id: tenant.businessId,
      serviceId: tenant.serviceId,
      from: from.toISOString(),
      to: to.toISOString(),
    });
    expect(after.business.availableSlots.map((s) => s.startsAt)).not.toContain(slot.startsAt);
    const again = await graphql(api, {
      query: BOOK,
      variables: { input: { businessId: tenant.businessId, serviceId: tenant.serviceId, startsAt: slot.startsAt, name: 'Late', phone: '+49 30 555 0102' } },
    });
    expect(errorCode(again)).toBe('SLOT_UNAVAILABLE');

    const visitor = await connect();
    const updates = visitor.subscribe<VisitEvent>(VISIT_UPDATED, { visitId, visitToken });
    // The subscription is live once the gateway answers: give it the first event to catch.
    await new Promise((resolve) => setTimeout(resolve, 300));

    await call(`mutation($v: ID!) { approveAppointment(visitId: $v) { id } }`, { v: visitId }, staff());
    const approved = (await updates.next(5000)).data!.visitUpdated;
    expect(approved).toMatchObject({ change: 'APPOINTMENT_CHANGED', visit: { status: 'BOOKED', position: null } });

    await call(`mutation($v: ID!, $t: String) { checkIn(visitId: $v, visitToken: $t) { id } }`, { v: visitId, t: visitToken });
    const checkedIn = (await updates.next(5000)).data!.visitUpdated;
    expect(checkedIn.change).toBe('CHECKED_IN');
    expect(checkedIn.visit.status).toBe('WAITING');
    expect(checkedIn.visit.ticket).toMatch(/^[A-Z]+-\d{3}$/);
    expect(checkedIn.visit.position).toBeGreaterThanOrEqual(1);

    // The desk calls until it is this visitor's turn (walk-ins who came before its time go first).
    let called: VisitEvent['visitUpdated'] | undefined;
    for (let i = 0; i < 5 && !called; i += 1) {
      await call(`mutation($q: ID!) { callNext(queueId: $q, counter: "Desk 2") { id } }`, { q: tenant.queueId }, staff());
      for (;;) {
        const update = (await updates.next(5000)).data!.visitUpdated;
        if (update.visit.status === 'CALLED') called = update;
        if (update.change === 'CALLED') break;
      }
    }
    expect(called).toMatchObject({ change: 'CALLED', visit: { status: 'CALLED', counter: 'Desk 2' } });

    await call(`mutation($v: ID!) { startServing(visitId: $v) { id } }`, { v: visitId }, staff());
    expect((await updates.next(5000)).data!.visitUpdated.visit.status).toBe('SERVING');
    await call(`mutation($v: ID!) { completeVisit(visitId: $v) { id } }`, { v: visitId }, staff());
    expect((await updates.next(5000)).data!.visitUpdated.visit.status).toBe('DONE');

    const { visit } = await call<{ visit: { history: { toStatus: string }[] } }>(
      `query($id: ID!, $t: String) { visit(id: $id, visitToken: $t) { history { toStatus } } }`,
      { id: visitId, t: visitToken },
    );
    expect(visit.history.map((event) => event.toStatus)).toEqual(['PENDING', 'BOOKED', 'WAITING', 'CALLED', 'SERVING', 'DONE']);
  });
});

describe('staff recall, return and transfer a visit while the desk screen watches', () => {
  it('publishes each change to the subscribers of both queues', async () => {
    const { createQueue } = await call<{ createQueue: { id: string } }>(
      `mutation($input: CreateQueueInput!) { createQueue(input: $input) { id } }`,
      { input: { businessId: tenant.businessId, name: 'Second desk' } },
      owner(),
    );
    const secondQueue = createQueue.id;
    const screen = await connect({ authorization: `Bearer ${staff()}` });
    const first = screen.subscribe<QueueEvent>(QUEUE_UPDATED, { queueId: tenant.queueId });
    const second = screen.subscribe<QueueEvent>(QUEUE_UPDATED, { queueId: secondQueue });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const nextOf = async (subscription: typeof first, change: string) => {
      for (;;) {
        const payload = await subscription.next(5000);
        if (!payload.data) throw new Error(`no data: ${JSON.stringify(payload.errors)}`);
        const event = payload.data.queueUpdated;
        if (event.change === change) return event;
      }
    };

    await call(`mutation($input: JoinQueueInput!) { joinQueue(input: $input) { visit { id } } }`, { input: { queueId: tenant.queueId, name: 'Walk-in' } });
    await nextOf(first, 'JOINED');
    const { callNext } = await call<{ callNext: { id: string } }>(
      `mutation($q: ID!) { callNext(queueId: $q, counter: "Desk 1") { id } }`,
      { q: tenant.queueId },
      staff(),
    );
    const visitId = callNext.id;
    await nextOf(first, 'CALLED');

    await call(`mutation($v: ID!) { recallVisit(visitId: $v) { id } }`, { v: visitId }, staff());
    expect((await nextOf(first, 'RECALLED')).visits).toEqual([expect.objectContaining({ id: visitId, status: 'CALLED', recallCount: 1 })]);

    await call(`mutation($v: ID!) { returnToQueue(visitId: $v, placement: LAST) { id } }`, { v: visitId }, staff());
    expect((await nextOf(first, 'RETURNED')).visits).toEqual([expect.objectContaining({ id: visitId, status: 'WAITING' })]);

    // The visitor's ticket screen follows the visit into the other queue.
    const visitor = await connect({ authorization: `Bearer ${staff()}` });
    const watching = visitor.subscribe<VisitEvent>(VISIT_UPDATED, { visitId });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await call(`mutation($v: ID!, $q: ID!) { transferVisit(visitId: $v, queueId: $q) { id } }`, { v: visitId, q: secondQueue }, staff());
    expect((await watching.next(5000)).data!.visitUpdated).toMatchObject({ change: 'TRANSFERRED', visit: { status: 'WAITING' } });
    expect(await watching.ended).toEqual({ kind: 'complete' });
    const following = visitor.subscribe<VisitEvent>(VISIT_UPDATED, { visitId });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await call(`mutation($q: ID!) { callNext(queueId: $q, counter: "Desk 3") { id } }`, { q: secondQueue }, staff());
    expect((await following.next(5000)).data!.visitUpdated).toMatchObject({ change: 'CALLED', visit: { status: 'CALLED', counter: 'Desk 3' } });
    const left = await nextOf(first, 'TRANSFERRED');
    const arrived = await nextOf(second, 'TRANSFERRED');
    expect(left.visits[0]).toMatchObject({ id: visitId, queue: { id: secondQueue } });
    expect(arrived.visits[0]).toMatchObject({ id: visitId, status: 'WAITING', queue: { id: secondQueue } });
  });
});

describe("another organization's appointments", () => {
  it('are NOT_FOUND to staff of another organization, and its standby entries too', async () => {
    const foreign = other.staff.OWNER.accessToken;
    const refused = await Promise.all([
      graphql(api, { query: `mutation($v: ID!) { approveAppointment(visitId: $v) { id } }`, variables: { v: tenant.visits.booked.id }, token: foreign }),
      graphql(api, { query: `mutation($v: ID!) { checkIn(visitId: $v) { id } }`, variables: { v: tenant.visits.booked.id }, token: foreign }),
      graphql(api, { query: `query($id: ID!) { standbyEntry(id: $id) { id } }`, variables: { id: tenant.standby.entryId }, token: foreign }),
      graphql(api, {
        query: `mutation($o: ID!) { acceptStandbyOffer(offerId: $o) { visit { id } } }`,
        variables: { o: tenant.standby.offerId },
        token: foreign,
      }),
      graphql(api, {
        query: BOOK,
        variables: { input: { businessId: tenant.businessId, serviceId: tenant.serviceId, startsAt: new Date().toISOString(), name: 'X' } },
        token: foreign,
      }),
    ]);
    expect(refused.map(errorCode)).toEqual(['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND']);
    const listed = await call<{ appointments: unknown[] }>(
      `query($b: ID!, $from: DateTime!, $to: DateTime!) { appointments(businessId: $b, from: $from, to: $to) { id } }`,
      { b: tenant.businessId, from: new Date().toISOString(), to: new Date(Date.now() + 10 * 86_400_000).toISOString() },
      foreign,
    );
    expect(listed.appointments).toEqual([]);
  });
});
