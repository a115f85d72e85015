import { createHash } from 'node:crypto';
import { Client } from 'pg';
import {
  createPrivateRedis,
  createTenant,
  createTestDatabase,
  graphEnv,
  graphql,
  graphqlOk,
  rateLimitsOff,
  startGraph,
  type GraphQLResponse,
  type PrivateRedis,
  type RunningGraph,
  type Tenant,
  type TestDatabase,
} from '@waitlessq/testkit';
import { addressBudgetOn, figures, runOutageScenario, type Sample } from '../loadtests/redis-outage/outage-load';

// Redis stopped under a join load (issue 14, finding 2): a committed join is answered as
// committed, requests answer in their normal time plus at most 100 ms, /ready says Redis is
// down, and everything is back to normal once Redis returns. On a Redis of this suite's own
// (never the machine's shared one). The precise figures are in loadtests/redis-outage/.

let db: TestDatabase;
let redis: PrivateRedis;
let graph: RunningGraph;
let tenant: Tenant;
let samples: Sample[];
const persistedWhileDown: GraphQLResponse[] = [];
const apqQuery = '{ __typename }';
const apq = { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(apqQuery).digest('hex') } };
const readiness: { service: string; status: number; body: { checks?: Record<string, string> } }[] = [];

const ready = async (baseUrl: string) => {
  const response = await fetch(`${baseUrl}/ready`);
  return { status: response.status, body: (await response.json()) as { checks?: Record<string, string> } };
};

beforeAll(async () => {
  db = await createTestDatabase();
  redis = await createPrivateRedis();
  await redis.start();
  // Caches on, so joins invalidate the queue's cached summary in Redis after they commit.
  graph = await startGraph(graphEnv(db, { ...rateLimitsOff, ...addressBudgetOn, REDIS_URL: redis.url, CACHE_TTL_SECONDS: '60' }));
  tenant = await createTenant(graph.gateway.url, 'Outage');
  const { createQueue } = await graphqlOk<{ createQueue: { id: string } }>(graph.gateway.url, {
    query: 'mutation($input: CreateQueueInput!) { createQueue(input: $input) { id } }',
    variables: { input: { businessId: tenant.businessId, name: 'Outage desk' } },
    token: tenant.staff.OWNER.accessToken,
  });
  samples = await runOutageScenario({
    graph,
    queueId: createQueue.id,
    clients: 3,
    phaseMs: 4_000,
    stopRedis: () => redis.stop(),
    startRedis: () => redis.start(),
    whileDown: async () => {
      for (const service of [graph.gateway, graph.subgraphs.queue]) readiness.push({ service: service.name, ...(await ready(service.baseUrl)) });
      persistedWhileDown.push(await graphql(graph.gateway.url, { extensions: apq }), await graphql(graph.gateway.url, { query: apqQuery, extensions: apq }));
    },
  });
}, 180_000);

afterAll(async () => {
  await graph?.stop();
  await redis?.stop();
  await db?.drop();
}, 30_000);

describe('Redis stopped under a join load', () => {
  it('answers no committed join as an error, and every answered join has its row', async () => {
    const joins = samples.filter((s) => s.kind === 'join');
    const sql = new Client({ connectionString: db.url });
    await sql.connect();
    const { rows } = await sql.query<{ idempotencyKey: string }>('SELECT "idempotencyKey" FROM "Visit" WHERE "idempotencyKey" = ANY($1)', [
      joins.map((j) => j.key),
    ]);
    await sql.end();
    const committed = new Set(rows.map((r) => r.idempotencyKey));
    const committedButFailed = joins.filter((j) => !j.ok && committed.has(j.key!));
    const answeredButMissing = joins.filter((j) => j.ok && !committed.has(j.key!));
    expect(committedButFailed).toEqual([]);
    expect(answeredButMissing).toEqual([]);
    // Redis is not the record: joins go on while it is down.
    for (const phase of ['up', 'down', 'back'] as const) {
      const { requests, errors } = figures(samples, phase, 'join');
      expect(requests).toBeGreaterThan(0);
      expect({ phase, errors }).toEqual({ phase, errors: 0 });
    }
  });

  it('answers within the normal latency plus 100 ms while Redis is down (medians; p95s in the benchmark)', () => {
    for (const kind of ['join', 'typename'] as const) {
      const [up, down, back] = (['up', 'down', 'back'] as const).map((phase) => figures(samples, phase, kind));
      // The normal latency is that of the slower phase with Redis up (before or after): on a
      // machine shared with other work the load drifts by more than 100 ms within a minute.
      const normal = Math.max(up.p50Ms, back.p50Ms);
      expect({ kind, withinNormalPlus100: down.p50Ms <= normal + 100, up, down, back }).toMatchObject({ kind, withinNormalPlus100: true });
      expect(down.errors).toBe(0);
    }
  });

  it('answers automatic persisted queries while Redis is down: an unknown hash is PERSISTED_QUERY_NOT_FOUND, the query with it runs', () => {
    const [hashOnly, withQuery] = persistedWhileDown;
    expect(hashOnly.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(withQuery).toMatchObject({ data: { __typename: 'Query' } });
  });

  it('says on /ready that Redis is down, and is ready again once it is back', async () => {
    expect(readiness).toHaveLength(2);
    for (const report of readiness) {
      expect(report.status).toBe(503);
      expect(report.body.checks?.redis).toMatch(/^failed: .*Redis/i);
    }
    for (const service of [graph.gateway, graph.subgraphs.queue]) {
      const deadline = Date.now() + 10_000;
      let current = await ready(service.baseUrl);
      while (current.status !== 200 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        current = await ready(service.baseUrl);
      }
      expect({ service: service.name, status: current.status, checks: current.body.checks }).toMatchObject({ status: 200 });
    }
  });
});
