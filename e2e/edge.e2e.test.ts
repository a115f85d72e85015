import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { sha256 } from '@waitlessq/auth';
import {
  createTestDatabase,
  errorCode,
  graphEnv,
  graphql,
  graphqlOk,
  startGraph,
  type GraphQLResponse,
  type RunningGraph,
  type RunningService,
  type TestDatabase,
} from '@waitlessq/testkit';

// The edge of the graph, end to end: two gateway replicas (separate processes) in front of the
// four subgraphs, on the real PostgreSQL and Redis. Every refusal must happen before any
// subgraph is called (their request counters on /metrics do not move) and write nothing.

// A first request warms each process up (argon2, query planning): seconds, not the default 5.
jest.setTimeout(60_000);

const env = (db: TestDatabase, prefix = '') => graphEnv(db, { REDIS_KEY_PREFIX: `e2e:${db.name}:${prefix}` });

const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../schema/operations/manifest.json'), 'utf8')) as {
  operations: { id: string; name: string; body: string }[];
};
const manifestId = (name: string) => manifest.operations.find((operation) => operation.name === name)!.id;
const persisted = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

let db: TestDatabase;
let graph: RunningGraph;
let replica: RunningService;
let sql: Client;

beforeAll(async () => {
  db = await createTestDatabase();
  graph = await startGraph(env(db));
  replica = await graph.startGateway();
  sql = new Client({ connectionString: db.url });
  await sql.connect();
}, 120_000);

afterAll(async () => {
  await sql?.end();
  await graph?.stop();
  await db?.drop();
});

/** GraphQL requests served by all four subgraphs so far, from their Prometheus counters. */
async function subgraphRequests(): Promise<number> {
  let total = 0;
  for (const service of Object.values(graph.subgraphs)) {
    const text = await (await fetch(`${service.baseUrl}/metrics`)).text();
    for (const line of text.split('\n')) {
      if (line.startsWith('wlq_graphql_requests_total{')) total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return total;
}

const rows = async () => {
  const {
    rows: [counts],
  } = await sql.query(
    `SELECT (SELECT count(*) FROM "Organization")::int AS organizations, (SELECT count(*) FROM "User")::int AS users,
            (SELECT count(*) FROM "Queue")::int AS queues, (SELECT count(*) FROM "Visit")::int AS visits`,
  );
  return counts as Record<string, number>;
};

async function post(url: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse };
}

let signUps = 0;
async function signUp(organizationName: string) {
  signUps += 1;
  const { signUp: payload } = await graphqlOk<{ signUp: { accessToken: string; user: { id: string; email: string } } }>(graph.gateway.url, {
    query: 'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken user { id email } } }',
    variables: { input: { organizationName, name: 'Owner', email: `owner${signUps}@edge.test`, password: 'the-right-password-1' } },
  });
  return payload;
}

async function setUpQueue(token: string) {
  const api = graph.gateway.url;
  const { createBusiness } = await graphqlOk<{ createBusiness: { id: string; slug: string } }>(api, {
    token,
    query: 'mutation($input: CreateBusinessInput!) { createBusiness(input: $input) { id slug } }',
    variables: { input: { name: 'Edge Clinic', timezone: 'Europe/Berlin' } },
  });
  const { createQueue } = await graphqlOk<{ createQueue: { id: string } }>(api, {
    token,
    query: 'mutation($input: CreateQueueInput!) { createQueue(input: $input) { id } }',
    variables: { input: { businessId: createBusiness.id, name: 'Walk-ins', capacity: 20 } },
  });
  return { businessId: createBusiness.id, slug: createBusiness.slug, queueId: createQueue.id };
}

describe('automatic persisted queries', () => {
  it('registers a query on one replica and serves it by hash on both, over GET cacheable by a CDN', async () => {
    const owner = await signUp('APQ Health');
    const { slug } = await setUpQueue(owner.accessToken);
    const query = 'query PublicProfile($slug: String!) { business(slug: $slug) { name slug } }';
    const extensions = persisted(sha256(query));
    const variables = { slug };

    expect(errorCode(await graphql(graph.gateway.url, { extensions, variables }))).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await graphql(graph.gateway.url, { query, extensions, variables })).data).toEqual({ business: { name: 'Edge Clinic', slug } });
    expect((await graphql(graph.gateway.url, { extensions, variables })).data).toEqual({ business: { name: 'Edge Clinic', slug } });
    // The other replica never saw the query: it finds it in Redis.
    expect((await graphql(replica.url, { extensions, variables })).data).toEqual({ business: { name: 'Edge Clinic', slug } });

    const search = new URLSearchParams({ extensions: JSON.stringify(extensions), variables: JSON.stringify(variables) });
    const get = await fetch(`${replica.url}?${search}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(await get.json()).toEqual({ data: { business: { name: 'Edge Clinic', slug } } });
    expect(get.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
  });

  it('refuses a hash that is not the SHA-256 of its query, and registers nothing', async () => {
    const query = '{ businesses { id } }';
    const wrong = persisted(sha256('{ organization { id } }'));
    const result = await graphql(graph.gateway.url, { query, extensions: wrong });
    expect({ status: result.status, code: errorCode(result) }).toEqual({ status: 400, code: 'PERSISTED_QUERY_HASH_MISMATCH' });
    expect(errorCode(await graphql(replica.url, { extensions: wrong }))).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('serves the trusted documents of the manifest by their id, on every replica', async () => {
    const owner = await signUp('Trusted Docs Ltd');
    const { businessId } = await setUpQueue(owner.accessToken);
    for (const url of [graph.gateway.url, replica.url]) {
      const result = await graphql<{ queues: { name: string }[] }>(url, {
        token: owner.accessToken,
        extensions: persisted(manifestId('DashboardBusinessQueues')),
        variables: { businessId },
      });
      expect(result.data?.queues.map((queue) => queue.name)).toEqual(['Walk-ins']);
    }
  });
});

describe('partner keys may run only the manifest', () => {
  let key: string;
  let keyId: string;
  let owner: Awaited<ReturnType<typeof signUp>>;
  let queueId: string;

  beforeAll(async () => {
    owner = await signUp('Kiosk Partners');
    ({ queueId } = await setUpQueue(owner.accessToken));
    const { createApiKey } = await graphqlOk<{ createApiKey: { key: string; apiKey: { id: string } } }>(graph.gateway.url, {
      token: owner.accessToken,
      query: 'mutation { createApiKey(input: { name: "Waiting room screen" }) { key apiKey { id } } }',
    });
    ({
      key,
      apiKey: { id: keyId },
    } = createApiKey);
  });

  it('runs a manifest operation by its id', async () => {
    const result = await graphql<{ queue: { id: string; waitingCount: number } }>(graph.gateway.url, {
      apiKey: key,
      extensions: persisted(manifestId('DisplayQueueSummary')),
      variables: { queueId },
    });
    expect(result.data?.queue).toMatchObject({ id: queueId, waitingCount: 0 });
  });

  it('is refused any other operation before a subgraph runs it, even one registered as an automatic persisted query', async () => {
    const query = 'query Line($id: ID!) { queue(id: $id) { id waitingCount } }';
    await graphqlOk(graph.gateway.url, { token: owner.accessToken, query, extensions: persisted(sha256(query)), variables: { id: queueId } });
    const before = await subgraphRequests();
    for (const call of [
      { query },
      { extensions: persisted(sha256(query)) },
      { query, extensions: persisted(sha256(query)) },
      { extensions: persisted(sha256('{ nothing }')) },
    ]) {
      const result = await graphql(replica.url, { ...call, apiKey: key, variables: { id: queueId } });
      expect({ status: result.status, code: errorCode(result) }).toEqual({ status: 403, code: 'OPERATION_NOT_ALLOWED' });
    }
    // Resolving the key asks the user subgraph once (then Redis); running anything would be more.
    expect((await subgraphRequests()) - before).toBeLessThanOrEqual(1);
  });

  it('is refused at once when revoked', async () => {
    await graphqlOk(graph.gateway.url, {
      token: owner.accessToken,
      query: 'mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }',
      variables: { id: keyId },
    });
    const result = await graphql(replica.url, { apiKey: key, extensions: persisted(manifestId('DisplayQueueSummary')), variables: { queueId } });
    expect(errorCode(result)).toBe('UNAUTHENTICATED');
  });
});

describe('limits refuse before any subgraph is called', () => {
  const nested = (levels: number) => `{ queue(id: "q") { ${'business { queues { '.repeat(levels / 2)}id${' } }'.repeat(levels / 2)} } }`;
  const aliases = (count: number) => `{ organization { ${Array.from({ length: count }, (_, i) => `a${i}: id`).join(' ')} } }`;
  const costBomb = '{ businesses { queues { waiting(first: 200) { customer { visits(first: 100) { queue { waiting(first: 200) { id } } } } } } } }';

  it.each([
    ['a query nested 50 deep', JSON.stringify({ query: nested(50) }), 400, 'QUERY_TOO_DEEP', /more than 10 levels deep.*MAX_QUERY_DEPTH/],
    [
      'a query with 10,000 aliases (its tokens are counted first)',
      JSON.stringify({ query: aliases(10_000) }),
      400,
      'TOO_MANY_TOKENS',
      /more than 2000 tokens.*MAX_TOKENS/,
    ],
    ['a query with 40 aliases', JSON.stringify({ query: aliases(40) }), 400, 'TOO_MANY_ALIASES', /40 aliases; the limit is 30 \(MAX_ALIASES\)/],
    [
      'a 5 MB body',
      JSON.stringify({ query: '{ businesses { id } }', variables: { padding: 'x'.repeat(5 * 1024 * 1024) } }),
      413,
      'PAYLOAD_TOO_LARGE',
      /larger than 262144 bytes.*MAX_BODY_BYTES/,
    ],
    ['a cost bomb of nested lists', JSON.stringify({ query: costBomb }), 400, 'QUERY_TOO_COMPLEX', /limit is 5000 \(MAX_QUERY_COST\)/],
  ])('%s', async (_, body, status, code, message) => {
    const before = await subgraphRequests();
    const result = await post(graph.gateway.url, body);
    expect({ status: result.status, code: errorCode(result.body) }).toEqual({ status, code });
    expect(result.body.errors?.[0]?.message).toMatch(message);
    expect(await subgraphRequests()).toBe(before);
  });
});

describe('malformed requests get a clear error and write nothing', () => {
  const signUpMutation = 'mutation SignUp($input: SignUpInput!) { signUp(input: $input) { accessToken } }';
  const input = { organizationName: 'Never Written', name: 'N', email: 'never@edge.test', password: 'a-long-password-1' };

  it.each([
    ['malformed JSON', () => post(graph.gateway.url, `{"query": ${JSON.stringify(signUpMutation)}, "variables": {`), 400, 'BAD_REQUEST', /not valid JSON/],
    [
      'a wrong content type',
      () => post(graph.gateway.url, JSON.stringify({ query: signUpMutation, variables: { input } }), { 'content-type': 'text/plain' }),
      415,
      'BAD_REQUEST',
      /Content-Type: application\/json \(this one has text\/plain\)/,
    ],
    [
      'an unknown operation name',
      () => post(graph.gateway.url, JSON.stringify({ query: signUpMutation, operationName: 'SignOn', variables: { input } })),
      400,
      'OPERATION_RESOLUTION_FAILURE',
      /Unknown operation named "SignOn"/,
    ],
    [
      'variables of the wrong type',
      () => post(graph.gateway.url, JSON.stringify({ query: signUpMutation, variables: { input: { ...input, organizationName: 42, password: ['x'] } } })),
      400,
      'BAD_USER_INPUT',
      /Variable "\$input" got invalid value/,
    ],
  ])('%s', async (_, send, status, code, message) => {
    const [countsBefore, requestsBefore] = [await rows(), await subgraphRequests()];
    const result = await send();
    expect({ status: result.status, code: errorCode(result.body) }).toEqual({ status, code });
    expect(result.body.errors?.[0]?.message).toMatch(message);
    expect(await rows()).toEqual(countsBefore);
    expect(await subgraphRequests()).toBe(requestsBefore);
  });
});

describe('rate limits hold across replicas', () => {
  // A pair of replicas of their own, with low budgets and their own Redis keys.
  let first: RunningService;
  let second: RunningService;
  const limited = { RATE_LIMIT_PER_USER: '6', SIGN_IN_RATE_LIMIT_PER_EMAIL: '3', SIGN_IN_RATE_LIMIT_WINDOW_SECONDS: '4' };

  beforeAll(async () => {
    first = await graph.startGateway({ ...env(db, 'limits:'), ...limited });
    second = await graph.startGateway({ ...env(db, 'limits:'), ...limited });
  }, 60_000);

  it("spends one user's budget on whichever replica serves the request", async () => {
    const { accessToken } = await signUp('Busy Bees');
    const replicas = [first, second];
    for (let i = 0; i < 6; i++) {
      const result = await graphql(replicas[i % 2].url, { token: accessToken, query: '{ me { id } }' });
      expect(result.errors).toBeUndefined();
    }
    const response = await fetch(second.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(response.status).toBe(429);
    expect(errorCode((await response.json()) as GraphQLResponse)).toBe('RATE_LIMITED');
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(response.headers.get('ratelimit-limit')).toBe('6');
    expect(response.headers.get('ratelimit-remaining')).toBe('0');
  });

  it('slows sign-in brute force: past the budget even the right password waits for the window', async () => {
    const { user } = await signUp('Guarded Gate');
    const signIn = (url: string, password: string) =>
      graphql(url, {
        query: 'mutation($email: String!, $password: String!) { signIn(email: $email, password: $password) { accessToken } }',
        variables: { email: user.email, password },
      });
    for (const url of [first.url, second.url, first.url]) expect(errorCode(await signIn(url, 'a-wrong-guess'))).toBe('UNAUTHENTICATED');

    const refused = await signIn(second.url, 'the-right-password-1');
    expect({ status: refused.status, code: errorCode(refused) }).toEqual({ status: 429, code: 'RATE_LIMITED' });
    expect(refused.errors?.[0]?.message).toMatch(/sign-in attempts for this email address.*SIGN_IN_RATE_LIMIT_PER_EMAIL/);

    await new Promise((resolve) => setTimeout(resolve, 4_500));
    const allowed = await signIn(first.url, 'the-right-password-1');
    expect(allowed.errors).toBeUndefined();
  });
});
