import { randomUUID } from 'node:crypto';
import { createTestDatabase, errorCode, graphEnv, graphql, graphqlOk, startGraph, type RunningGraph, type TestDatabase } from '@waitlessq/testkit';

// The audit log end to end: the four subgraphs, the gateway and the workers as separate
// processes. A staff member's callNext (queue subgraph's visit history) and the business
// subgraph's administrative changes (relayed by the workers as 'audit-entry' jobs) appear in the
// user subgraph's auditLog with the request id the client sent, for the organization's OWNER
// only, never for another organization.

let db: TestDatabase;
let graph: RunningGraph;
let api: string;

beforeAll(async () => {
  db = await createTestDatabase();
  // Five processes on a machine that may be busy: a generous start.
  graph = await startGraph(graphEnv(db), { startTimeoutMs: 90_000 });
  api = graph.gateway.url;
}, 240_000);

afterAll(async () => {
  await graph?.stop();
  await db?.drop();
});

interface Entry {
  id: string;
  actorId: string | null;
  actorKind: string;
  action: string;
  targetType: string;
  targetId: string | null;
  detail: Record<string, unknown> | null;
  requestId: string | null;
  at: string;
}

const AUDIT_LOG = `query($from: DateTime!, $to: DateTime!, $actorId: ID, $action: String) {
  auditLog(from: $from, to: $to, actorId: $actorId, action: $action) { id actorId actorKind action targetType targetId detail requestId at }
}`;

async function signUp(organizationName: string) {
  const { signUp } = await graphqlOk<{ signUp: { accessToken: string; user: { id: string } } }>(api, {
    query: `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken user { id } } }`,
    variables: { input: { organizationName, name: 'Owner', email: `owner-${randomUUID()}@example.com`, password: 'a-long-password-1' } },
  });
  return signUp;
}

async function auditLog(token: string, filters: Record<string, unknown> = {}): Promise<Entry[]> {
  const from = new Date(Date.now() - 3600_000).toISOString();
  const to = new Date(Date.now() + 3600_000).toISOString();
  return (await graphqlOk<{ auditLog: Entry[] }>(api, { token, query: AUDIT_LOG, variables: { from, to, ...filters } })).auditLog;
}

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

it("shows a staff member's callNext with its request id, and the business's changes once, to the organization's OWNER only", async () => {
  const owner = await signUp('Audited Clinic');
  const token = owner.accessToken;
  const createRequest = `e2e-create-business-${randomUUID()}`;
  const { createBusiness } = await graphqlOk<{ createBusiness: { id: string } }>(api, {
    token,
    headers: { 'x-request-id': createRequest },
    query: `mutation($input: CreateBusinessInput!) { createBusiness(input: $input) { id } }`,
    variables: { input: { name: 'Riverside Clinic', timezone: 'Europe/Berlin' } },
  });
  const { createService } = await graphqlOk<{ createService: { id: string } }>(api, {
    token,
    query: `mutation($input: CreateServiceInput!) { createService(input: $input) { id } }`,
    variables: { input: { businessId: createBusiness.id, name: 'Check-up', durationMinutes: 15 } },
  });
  const { createQueue } = await graphqlOk<{ createQueue: { id: string } }>(api, {
    token,
    query: `mutation($input: CreateQueueInput!) { createQueue(input: $input) { id } }`,
    variables: { input: { businessId: createBusiness.id, name: 'Walk-ins', capacity: 10 } },
  });
  const { joinQueue } = await graphqlOk<{ joinQueue: { visit: { id: string } } }>(api, {
    query: `mutation($input: JoinQueueInput!) { joinQueue(input: $input) { visit { id } } }`,
    variables: { input: { queueId: createQueue.id, name: 'Ada Lovelace' } },
  });
  const callRequest = `e2e-call-next-${randomUUID()}`;
  const { callNext } = await graphqlOk<{ callNext: { id: string } }>(api, {
    token,
    headers: { 'x-request-id': callRequest },
    query: `mutation($queueId: ID!) { callNext(queueId: $queueId, counter: "3") { id } }`,
    variables: { queueId: createQueue.id },
  });
  expect(callNext.id).toBe(joinQueue.visit.id);

  // The call is in the log at once (the queue's own history); the anonymous join is not a staff action.
  const called = await auditLog(token, { action: 'visit.called' });
  expect(called).toEqual([
    expect.objectContaining({ actorId: owner.user.id, actorKind: 'STAFF', targetType: 'Visit', targetId: callNext.id, requestId: callRequest }),
  ]);
  expect(called[0].detail).toMatchObject({ fromStatus: 'WAITING', toStatus: 'CALLED', counter: '3', queueId: createQueue.id });
  expect(JSON.stringify(await auditLog(token))).not.toContain('Ada Lovelace');

  // The business subgraph's changes arrive through the workers, once each.
  await graph.startReplica('workers');
  const entries = await until(
    'the relayed business changes',
    () => auditLog(token),
    (log) => log.some((e) => e.action === 'service.created') && log.some((e) => e.action === 'business.created'),
  );
  expect(entries.filter((e) => e.action === 'business.created')).toEqual([
    expect.objectContaining({ actorId: owner.user.id, targetType: 'Business', targetId: createBusiness.id, requestId: createRequest }),
  ]);
  expect(entries.filter((e) => e.action === 'service.created')).toEqual([expect.objectContaining({ targetType: 'Service', targetId: createService.id })]);
  // Newest first, merged across the two sources.
  const times = entries.map((e) => Date.parse(e.at));
  expect([...times].sort((x, y) => y - x)).toEqual(times);
  expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['visit.called', 'service.created', 'business.created']));
  expect((await auditLog(token, { actorId: owner.user.id })).length).toBe(entries.length);

  // Another organization's OWNER sees none of it, even by the actor's id.
  const other = await signUp('Elsewhere');
  expect(await auditLog(other.accessToken)).toEqual([]);
  expect(await auditLog(other.accessToken, { actorId: owner.user.id })).toEqual([]);
  // A customer or an anonymous caller is refused.
  const anonymous = await graphql(api, { query: AUDIT_LOG, variables: { from: new Date(Date.now() - 1000).toISOString(), to: new Date().toISOString() } });
  expect(errorCode(anonymous)).toBe('UNAUTHENTICATED');
});
