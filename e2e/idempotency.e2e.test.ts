import {
  createTenant,
  createTestDatabase,
  graphEnv,
  graphql,
  rateLimitsOff,
  startGraph,
  type RunningGraph,
  type Tenant,
  type TestDatabase,
} from '@waitlessq/testkit';

// Through the gateway: an anonymous walk-in's idempotency key is scoped to its address and user
// agent, which the gateway hashes into the signed identity (issue 14, finding 5). Whoever learns
// another walk-in's key gets IDEMPOTENCY_KEY_REUSED, never the visit or its token.

let db: TestDatabase;
let graph: RunningGraph;
let tenant: Tenant;

beforeAll(async () => {
  db = await createTestDatabase();
  graph = await startGraph(graphEnv(db, { ...rateLimitsOff }));
  tenant = await createTenant(graph.gateway.url, 'Idem');
}, 120_000);
afterAll(async () => {
  await graph?.stop();
  await db?.drop();
}, 30_000);

const JOIN = `mutation($input: JoinQueueInput!) { joinQueue(input: $input) { visitToken visit { id ticket } } }`;
type Joined = { joinQueue: { visitToken: string; visit: { id: string; ticket: string } } };
const join = (userAgent: string, input: Record<string, unknown>) =>
  graphql<Joined>(graph.gateway.url, { query: JOIN, variables: { input: { queueId: tenant.queueId, ...input } }, headers: { 'user-agent': userAgent } });

describe('an anonymous idempotency key through the gateway', () => {
  it('replays for the same client, and is refused to another client or another input', async () => {
    const first = await join('Phone A', { name: 'Ada', idempotencyKey: 'e2e-walk-in' });
    expect(first.errors).toBeUndefined();
    const retry = await join('Phone A', { name: 'Ada', idempotencyKey: 'e2e-walk-in' });
    expect(retry.data).toEqual(first.data);

    const thief = await join('Phone B', { name: 'Ada', idempotencyKey: 'e2e-walk-in' });
    expect(thief.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(JSON.stringify(thief)).not.toContain(first.data!.joinQueue.visitToken);
    const otherInput = await join('Phone A', { name: 'Mallory', idempotencyKey: 'e2e-walk-in' });
    expect(otherInput.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});
