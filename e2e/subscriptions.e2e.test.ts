import { readFileSync } from 'node:fs';
import path from 'node:path';
import Redis from 'ioredis';
import {
  connectSubscriptions,
  createTenant,
  createTestDatabase,
  graphEnv,
  graphqlOk,
  startGraph,
  testRedisUrl,
  type RunningGraph,
  type RunningService,
  type Tenant,
  type TestDatabase,
  type TestSubscriptionClient,
} from '@waitlessq/testkit';

// Live updates across replicas: two gateways and two queue subgraph processes on one Redis and
// one PostgreSQL. Gateway A talks to queue replica 1, gateway B to queue replica 2; an event
// published by either replica reaches subscribers on either gateway.

// Jest's 5 s default is too short on a shared, busy machine: processes start, events cross
// two gateways and Redis, and a stopped gateway drains its connections.
jest.setTimeout(60_000);

const env = (db: TestDatabase) =>
  graphEnv(db, {
    SUBSCRIPTIONS_PER_CONNECTION: '4',
  });

let db: TestDatabase;
let graph: RunningGraph;
let gatewayA: RunningService;
let queueReplica: RunningService;
let gatewayB: RunningService;
let tenant: Tenant;
let other: Tenant;
const clients: TestSubscriptionClient[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  graph = await startGraph(env(db));
  gatewayA = graph.gateway;
  queueReplica = await graph.startReplica('queue');
  gatewayB = await graph.startGateway({ QUEUE_SUBGRAPH_URL: queueReplica.url });
  [tenant, other] = await Promise.all([createTenant(gatewayA.url, 'Live'), createTenant(gatewayA.url, 'Other')]);
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await graph?.stop();
  await db?.drop();
});

async function connect(gateway: RunningService, params: Record<string, unknown> = {}): Promise<TestSubscriptionClient> {
  const client = await connectSubscriptions(gateway.url, params);
  clients.push(client);
  return client;
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const call = <T = Record<string, unknown>>(gateway: RunningService, query: string, variables: Record<string, unknown>, token?: string) =>
  graphqlOk<T>(gateway.url, { query, variables, token });

const JOIN = `mutation($input: JoinQueueInput!) { joinQueue(input: $input) { visitToken visit { id ticket } } }`;
const CALL_NEXT = `mutation DashboardCallNext($queueId: ID!) { callNext(queueId: $queueId) { id ticket } }`;
const VISIT_UPDATED = `subscription($visitId: ID!, $visitToken: String, $afterSequence: Int) {
  visitUpdated(visitId: $visitId, visitToken: $visitToken, afterSequence: $afterSequence) {
    sequence change reasons
    visit { id status position estimatedWaitMinutes service { name } customer { name } queue { name business { name } } }
  }
}`;
const QUEUE_UPDATED = `subscription($queueId: ID!, $afterSequence: Int) {
  queueUpdated(queueId: $queueId, afterSequence: $afterSequence) { sequence change queue { status waitingCount } visits { id } }
}`;

async function newQueue(owner = tenant): Promise<string> {
  const { createQueue } = await call<{ createQueue: { id: string } }>(
    gatewayA,
    `mutation($input: CreateQueueInput!) { createQueue(input: $input) { id } }`,
    { input: { businessId: owner.businessId, name: `Queue ${Math.random()}` } },
    owner.staff.OWNER.accessToken,
  );
  return createQueue.id;
}
const join = async (gateway: RunningService, queueId: string, name = 'Walk-in', token?: string) =>
  (
    await call<{ joinQueue: { visitToken: string; visit: { id: string; ticket: string } } }>(
      gateway,
      JOIN,
      { input: { queueId, name, serviceId: tenant.serviceId } },
      token,
    )
  ).joinQueue;
const callNext = (gateway: RunningService, queueId: string) =>
  call<{ callNext: { id: string } | null }>(gateway, CALL_NEXT, { queueId }, tenant.staff.STAFF.accessToken);

type VisitUpdate = {
  visitUpdated: {
    sequence: number;
    change: string;
    reasons: string[];
    visit: { status: string; position: number | null; service: { name: string }; customer: { name: string } | null; queue: { business: { name: string } } };
  };
};
type QueueUpdate = { queueUpdated: { sequence: number; change: string; queue: { status: string; waitingCount: number }; visits: { id: string }[] } };

describe('live queue updates across replicas', () => {
  it('a customer on gateway A sees callNext sent through gateway B to the second queue replica, other subgraphs resolved', async () => {
    const queueId = await newQueue();
    await join(gatewayA, queueId, 'Ahead of Ada');
    const mine = await join(gatewayA, queueId, undefined, tenant.customer.accessToken);
    const client = await connect(gatewayA, bearer(tenant.customer.accessToken));
    const subscription = client.subscribe<VisitUpdate>(VISIT_UPDATED, { visitId: mine.visit.id });
    await new Promise((resolve) => setTimeout(resolve, 300));

    await callNext(gatewayB, queueId);
    const moved = (await subscription.next()).data!.visitUpdated;
    expect(moved).toMatchObject({ change: 'CALLED', reasons: ['POSITION_CHANGED', 'ESTIMATE_CHANGED'] });
    expect(moved.visit).toMatchObject({
      status: 'WAITING',
      position: 1,
      service: { name: `${tenant.label} Check-up` },
      customer: { name: `${tenant.label} Customer` },
      queue: { business: { name: `${tenant.label} Clinic` } },
    });

    await callNext(gatewayB, queueId);
    const called = (await subscription.next()).data!.visitUpdated;
    expect(called).toMatchObject({
      change: 'CALLED',
      reasons: ['VISIT_CHANGED', 'POSITION_CHANGED', 'ESTIMATE_CHANGED'],
      visit: { status: 'CALLED', position: null },
    });
    expect(called.sequence).toBeGreaterThan(moved.sequence);

    // The calls were served by the second replica, which the first gateway never talks to (the operation label
    // keeps the names of the manifest only: the mutation is named like the dashboard's).
    const served = async (service: RunningService) =>
      (await (await fetch(`${service.baseUrl}/metrics`)).text()).includes('operation="DashboardCallNext__queue__0"');
    expect(await served(queueReplica)).toBe(true);
    expect(await served(graph.subgraphs.queue)).toBe(false);
  });

  it('resumes after a disconnection: exactly the five missed events in order, then live ones', async () => {
    const queueId = await newQueue();
    const first = await connect(gatewayA, bearer(tenant.staff.VIEWER.accessToken));
    const live = first.subscribe<QueueUpdate>(QUEUE_UPDATED, { queueId });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await join(gatewayA, queueId, 'Before');
    const last = (await live.next()).data!.queueUpdated.sequence;
    await first.close();

    const missed = [
      () => join(gatewayB, queueId, 'One'),
      () => join(gatewayA, queueId, 'Two'),
      () => callNext(gatewayB, queueId),
      () => call(gatewayA, `mutation($q: ID!) { pauseQueue(queueId: $q) { id } }`, { q: queueId }, tenant.staff.STAFF.accessToken),
      () => call(gatewayB, `mutation($q: ID!) { resumeQueue(queueId: $q) { id } }`, { q: queueId }, tenant.staff.STAFF.accessToken),
    ];
    for (const change of missed) await change();

    const again = await connect(gatewayB, bearer(tenant.staff.VIEWER.accessToken));
    const resumed = again.subscribe<QueueUpdate>(QUEUE_UPDATED, { queueId, afterSequence: last });
    const replayed = [];
    for (let i = 0; i < 5; i++) replayed.push((await resumed.next()).data!.queueUpdated);
    expect(replayed.map((event) => [event.sequence, event.change])).toEqual([
      [last + 1, 'JOINED'],
      [last + 2, 'JOINED'],
      [last + 3, 'CALLED'],
      [last + 4, 'QUEUE_PAUSED'],
      [last + 5, 'QUEUE_RESUMED'],
    ]);
    expect(replayed.map((event) => event.queue.waitingCount)).toEqual([2, 3, 2, 2, 2]);

    await join(gatewayA, queueId, 'Live');
    expect((await resumed.next()).data!.queueUpdated).toMatchObject({ sequence: last + 6, change: 'JOINED' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(resumed.received).toHaveLength(6);
  });

  it('a visit subscription resumes too, with only the events that concerned the visit, and completes when it ends', async () => {
    const queueId = await newQueue();
    const ahead = await join(gatewayA, queueId, 'Ahead');
    const mine = await join(gatewayA, queueId, 'Me');
    const client = await connect(gatewayB);
    const sequenceOfJoin = 2;
    await join(gatewayA, queueId, 'Behind me');
    await callNext(gatewayA, queueId);
    await call(gatewayA, `mutation($v: ID!, $t: String) { cancelVisit(visitId: $v, visitToken: $t) { id } }`, { v: mine.visit.id, t: mine.visitToken });
    const resumed = client.subscribe<VisitUpdate>(VISIT_UPDATED, { visitId: mine.visit.id, visitToken: mine.visitToken, afterSequence: sequenceOfJoin });
    expect(await resumed.ended).toEqual({ kind: 'complete' });
    // The join behind changed nothing for this visit; the call ahead moved it; the cancellation ended it.
    expect(resumed.received.map((payload) => [payload.data!.visitUpdated.change, payload.data!.visitUpdated.visit.status])).toEqual([
      ['CALLED', 'WAITING'],
      ['CANCELLED', 'CANCELLED'],
    ]);
    expect(ahead.visit.id).not.toBe(mine.visit.id);
  });
});

describe('refusals, each for its own subscription id, on a connection that stays usable', () => {
  it('answers each refusal with its code, then serves a subscription on the same connection', async () => {
    const queueId = await newQueue();
    const anonymous = await connect(gatewayA);
    const visit = await join(gatewayA, queueId, 'Token holder');
    const refusal = async (client: TestSubscriptionClient, query: string, variables: Record<string, unknown>) => {
      const ended = await client.subscribe(query, variables).ended;
      return ended.kind === 'error' ? ended.errors[0].extensions?.code : ended.kind;
    };
    expect(await refusal(anonymous, VISIT_UPDATED, { visitId: visit.visit.id })).toBe('UNAUTHENTICATED');
    expect(await refusal(anonymous, VISIT_UPDATED, { visitId: visit.visit.id, visitToken: 'vt_not-this-one' })).toBe('NOT_FOUND');
    expect(await refusal(anonymous, VISIT_UPDATED, { visitId: other.visits.waiting.id, visitToken: visit.visitToken })).toBe('NOT_FOUND');
    expect(await refusal(anonymous, QUEUE_UPDATED, { queueId })).toBe('UNAUTHENTICATED');

    const staff = await connect(gatewayA, bearer(tenant.staff.STAFF.accessToken));
    expect(await refusal(staff, QUEUE_UPDATED, { queueId: other.queueId })).toBe('NOT_FOUND');
    expect(await refusal(staff, QUEUE_UPDATED, { queueId, afterSequence: 99 })).toBe('BAD_USER_INPUT');
    expect(await refusal(staff, 'subscription { queueUpdated(queueId: "x") { nope } }', {})).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(await refusal(staff, '{ me { id } }', {})).toBe('BAD_REQUEST');
    const overHttp = await fetch(gatewayA.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: QUEUE_UPDATED, variables: { queueId } }),
    });
    expect(overHttp.status).toBe(400);
    expect(((await overHttp.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('BAD_REQUEST');
    const customer = await connect(gatewayA, bearer(tenant.customer.accessToken));
    expect(await refusal(customer, QUEUE_UPDATED, { queueId })).toBe('FORBIDDEN');

    // The log no longer holds the queue's first events (as after the retention): too old, said so.
    await forgetLog(queueId);
    await join(gatewayA, queueId, 'After the trim');
    expect(await refusal(staff, QUEUE_UPDATED, { queueId, afterSequence: 0 })).toBe('SEQUENCE_TOO_OLD');

    const usable = staff.subscribe<QueueUpdate>(QUEUE_UPDATED, { queueId });
    const heard = anonymous.subscribe<VisitUpdate>(VISIT_UPDATED, { visitId: visit.visit.id, visitToken: visit.visitToken });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await callNext(gatewayB, queueId);
    expect((await usable.next()).data!.queueUpdated.change).toBe('CALLED');
    expect((await heard.next()).data!.visitUpdated.visit.status).toBe('CALLED');
  });

  it('closes a connection whose credentials are bad with 4403, and caps subscriptions per connection', async () => {
    await expect(connectSubscriptions(gatewayA.url, bearer('not-a-token'))).rejects.toThrow(/4403/);

    const queueId = await newQueue();
    const staff = await connect(gatewayA, bearer(tenant.staff.MANAGER.accessToken));
    const open = Array.from({ length: 4 }, () => staff.subscribe(QUEUE_UPDATED, { queueId }));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const fifth = await staff.subscribe(QUEUE_UPDATED, { queueId }).ended;
    expect(fifth).toMatchObject({ kind: 'error', errors: [{ extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } }] });
    open[0].complete();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const another = staff.subscribe<QueueUpdate>(QUEUE_UPDATED, { queueId });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await join(gatewayA, queueId, 'Counted');
    expect((await another.next()).data!.queueUpdated.change).toBe('JOINED');
  });

  it('lets a partner key (a display screen) run the manifest subscription, and nothing else', async () => {
    const screen = await connect(gatewayB, { 'x-api-key': tenant.apiKey.key });
    const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../schema/operations/manifest.json'), 'utf8')) as {
      operations: { id: string; name: string }[];
    };
    const id = manifest.operations.find((operation) => operation.name === 'DisplayQueueUpdated')!.id;
    const byId = (queueId: string) => screen.subscribe('', { queueId }, { persistedQuery: { version: 1, sha256Hash: id } });

    const own = byId(tenant.queueId);
    const foreign = byId(other.queueId);
    expect(await foreign.ended).toMatchObject({ kind: 'error', errors: [{ extensions: { code: 'NOT_FOUND' } }] });
    const ownQuery = await screen.subscribe(QUEUE_UPDATED, { queueId: tenant.queueId }).ended;
    expect(ownQuery).toMatchObject({ kind: 'error', errors: [{ extensions: { code: 'OPERATION_NOT_ALLOWED' } }] });

    await new Promise((resolve) => setTimeout(resolve, 300));
    await join(gatewayA, tenant.queueId, 'On the screen');
    const shown = (await own.next()).data as { queueUpdated: { change: string; queue: { waiting: { ticket: string }[] } } };
    expect(shown.queueUpdated.change).toBe('JOINED');
    expect(shown.queueUpdated.queue.waiting.length).toBeGreaterThan(0);
  });
});

describe('shutting a gateway down', () => {
  it('closes its connections with 1012 so clients resume on another replica', async () => {
    const gatewayC = await graph.startGateway();
    const client = await connectSubscriptions(gatewayC.url, bearer(tenant.staff.VIEWER.accessToken));
    client.subscribe(QUEUE_UPDATED, { queueId: tenant.queueId });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await gatewayC.stop();
    expect(await client.closed).toMatchObject({ code: 1012 });
  });
});

/** Drops a queue's stream as trimming by age would (the sequence counter stays). */
async function forgetLog(queueId: string): Promise<void> {
  const redis = new Redis(testRedisUrl);
  try {
    await redis.del(`e2e:${db.name}:events:queue:${queueId}:log`);
  } finally {
    redis.disconnect();
  }
}
