import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import WebSocket from 'ws';
import {
  connectSubscriptions,
  createTestDatabase,
  graphEnv,
  graphql,
  graphqlOk,
  startGraph,
  type RunningGraph,
  type RunningService,
  type TestDatabase,
  type TestSubscriptionClient,
} from '@waitlessq/testkit';

// The WebSocket as hard as HTTP (issue 14), end to end: the graph's processes on the real
// PostgreSQL and Redis. Gateway A has the default budgets and a small slow-consumer cap;
// gateways B and C trust the loopback proxy hop and have tiny budgets, so each test spends the
// budgets of its own forwarded address. Every refusal of a document must happen before any
// subgraph is called: their request counters on /metrics do not move.

jest.setTimeout(120_000);

const slowConsumerCap = 256 * 1024;

let db: TestDatabase;
let graph: RunningGraph;
let gatewayA: RunningService;
let gatewayB: RunningService;
let gatewayC: RunningService;
/** An organization with a business and a queue, its owner's token, other users' tokens and a partner key. */
interface Organization {
  businessId: string;
  queueId: string;
  ownerToken: string;
  apiKey: { id: string; key: string };
}
let tenant: Organization;
/** Signed-up owners of organizations of their own: users whose budgets no other test spends. */
const users: Record<'viewer', string> = { viewer: '' };
let sql: Client;
const clients: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  graph = await startGraph(
    graphEnv(db, {
      SUBSCRIPTIONS_MAX_BUFFERED_BYTES: String(slowConsumerCap),
      // A client that stops reading also stops answering pings: let the cap, not the ping, close it.
      SUBSCRIPTIONS_KEEPALIVE_MS: '60000',
      // The resumes below replay a log of large events while the gateway runs heavy payloads;
      // on the shared machine a blocked event loop outlasts the 200 ms Redis command timeout
      // (the timer fires before the answer is read), which is not what this suite tests.
      REDIS_COMMAND_TIMEOUT_MS: '10000',
    }),
  );
  gatewayA = graph.gateway;
  const tight = {
    TRUST_PROXY: 'loopback',
    SUBSCRIPTIONS_CONNECTIONS_PER_ADDRESS: '4',
    SUBSCRIPTIONS_CONNECTIONS_PER_CREDENTIAL: '3',
    SUBSCRIPTIONS_SUBSCRIBES_PER_CONNECTION: '5',
  };
  [gatewayB, gatewayC] = await Promise.all([graph.startGateway(tight), graph.startGateway(tight)]);
  tenant = await createOrganization('sockets');
  for (const name of Object.keys(users) as (keyof typeof users)[]) users[name] = (await signUp(name)).accessToken;
  sql = new Client({ connectionString: db.url });
  await sql.connect();
}, 180_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await sql?.end();
  await graph?.stop();
  await db?.drop();
});

/** GraphQL requests served by the four subgraphs so far (their Prometheus counters). */
async function subgraphRequests(only?: keyof RunningGraph['subgraphs']): Promise<number> {
  let total = 0;
  for (const [name, service] of Object.entries(graph.subgraphs)) {
    if (only && name !== only) continue;
    const text = await (await fetch(`${service.baseUrl}/metrics`)).text();
    for (const line of text.split('\n')) {
      if (line.startsWith('wlq_graphql_requests_total{')) total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return total;
}

let signUps = 0;
async function signUp(name: string) {
  signUps += 1;
  const { signUp: payload } = await graphqlOk<{ signUp: { accessToken: string } }>(gatewayA.url, {
    query: 'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }',
    variables: {
      input: { organizationName: `${name} ${signUps} Org`, name: 'Owner', email: `${name}${signUps}@sockets.test`, password: 'the-right-password-1' },
    },
  });
  return payload;
}

async function createOrganization(name: string): Promise<Organization> {
  const { accessToken: ownerToken } = await signUp(name);
  const call = <T>(query: string, variables: Record<string, unknown>) => graphqlOk<T>(gatewayA.url, { token: ownerToken, query, variables });
  const { createBusiness } = await call<{ createBusiness: { id: string } }>('mutation($input: CreateBusinessInput!) { createBusiness(input: $input) { id } }', {
    input: { name: 'Socket Clinic', timezone: 'Europe/Berlin' },
  });
  const { createQueue } = await call<{ createQueue: { id: string } }>('mutation($input: CreateQueueInput!) { createQueue(input: $input) { id } }', {
    input: { businessId: createBusiness.id, name: 'Walk-ins' },
  });
  const { createApiKey } = await call<{ createApiKey: { key: string; apiKey: { id: string } } }>(
    'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id } } }',
    { input: { name: 'Lobby screens' } },
  );
  return { businessId: createBusiness.id, queueId: createQueue.id, ownerToken, apiKey: { id: createApiKey.apiKey.id, key: createApiKey.key } };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function connect(gateway: RunningService, params: Record<string, unknown> = {}): Promise<TestSubscriptionClient> {
  const client = await connectSubscriptions(gateway.url, params);
  clients.push(client);
  return client;
}

const codeOf = async (client: TestSubscriptionClient, query: string, variables: Record<string, unknown> = {}, extensions?: Record<string, unknown>) => {
  const ended = await client.subscribe(query, variables, extensions).ended;
  return ended.kind === 'error' ? ended.errors[0].extensions : ended.kind;
};

interface RawMessage {
  type: string;
  id?: string;
  payload?: { data?: Record<string, unknown>; extensions?: { code?: string } } & Record<string, unknown>;
}

/**
 * A graphql-ws socket with what the test client does not offer: request headers (the
 * forwarded address), messages of any size, and reading that can stop and start again.
 */
function rawSocket(gateway: RunningService, headers: Record<string, string> = {}) {
  const socket = new WebSocket(gateway.url.replace(/^http/, 'ws'), 'graphql-transport-ws', { headers });
  const messages: RawMessage[] = [];
  const listeners: (() => void)[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as RawMessage;
    if (message.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
    messages.push(message);
    for (const listener of listeners.splice(0)) listener();
  });
  /** Waits until `found()` holds, or the socket has closed (the caller then looks at what it got). */
  const until = async (found: () => boolean, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!found() && socket.readyState !== WebSocket.CLOSED) {
      if (Date.now() > deadline) {
        const errors = messages.filter((m) => m.type === 'error').map((m) => JSON.stringify(m.payload));
        throw new Error(`timed out; received ${messages.map((m) => m.type).join(',')} ${errors.join(' ')}`);
      }
      await Promise.race([new Promise<void>((resolve) => listeners.push(resolve)), pause(100)]);
    }
  };
  const raw = {
    socket,
    messages,
    closed,
    async init(params: Record<string, unknown> = {}) {
      await opened;
      socket.send(JSON.stringify({ type: 'connection_init', payload: params }));
      await until(() => messages.some((m) => m.type === 'connection_ack'));
      return messages.some((m) => m.type === 'connection_ack') && socket.readyState === WebSocket.OPEN;
    },
    subscribe(id: string, query: string, variables: Record<string, unknown> = {}) {
      socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } }));
    },
    of: (id: string) => messages.filter((m) => m.id === id),
    until,
    close: async () => {
      if (socket.readyState !== WebSocket.CLOSED) socket.terminate();
      await closed;
    },
  };
  clients.push(raw);
  return raw;
}

const QUEUE_UPDATED = `subscription($queueId: ID!, $afterSequence: Int) {
  queueUpdated(queueId: $queueId, afterSequence: $afterSequence) { sequence change queue { waitingCount } }
}`;
const JOIN = `mutation($input: JoinQueueInput!) { joinQueue(input: $input) { visit { id } } }`;

async function newQueue(): Promise<string> {
  const { createQueue } = await graphqlOk<{ createQueue: { id: string } }>(gatewayA.url, {
    token: tenant.ownerToken,
    query: `mutation($input: CreateQueueInput!) { createQueue(input: $input) { id } }`,
    variables: { input: { businessId: tenant.businessId, name: `Queue ${Math.random()}` } },
  });
  return createQueue.id;
}
const join = (queueId: string, name = 'Walk-in') => graphqlOk(gatewayA.url, { query: JOIN, variables: { input: { queueId, name } } });

describe('the same limits over graphql-ws as over HTTP, before any subgraph is called', () => {
  it('refuses each document with the code HTTP answers, moves no subgraph counter, and the connection stays usable', async () => {
    const queueId = await newQueue();
    const staff = await connect(gatewayA, bearer(tenant.ownerToken));
    const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../schema/operations/manifest.json'), 'utf8')) as {
      operations: { id: string; name: string }[];
    };
    const displayId = manifest.operations.find((operation) => operation.name === 'DisplayQueueUpdated')!.id;
    const screen = await connect(gatewayA, { 'x-api-key': tenant.apiKey.key });

    const q = JSON.stringify(queueId);
    const documents: [string, string, TestSubscriptionClient, Record<string, unknown>?, Record<string, unknown>?][] = [
      ['TOO_MANY_TOKENS', `subscription { queueUpdated(queueId: ${q}) { ${'sequence '.repeat(2100)} } }`, staff],
      ['TOO_MANY_ALIASES', `subscription { queueUpdated(queueId: ${q}) { ${Array.from({ length: 31 }, (_, i) => `a${i}: sequence`).join(' ')} } }`, staff],
      ['TOO_MANY_ROOT_FIELDS', `{ ${'__typename '.repeat(21)} }`, staff],
      [
        'QUERY_TOO_DEEP',
        `subscription { queueUpdated(queueId: ${q}) { queue { business { queues { business { queues { business { queues { business { queues { business { queues { id } } } } } } } } } } } } }`,
        staff,
      ],
      [
        'QUERY_TOO_COMPLEX',
        `subscription($n: Int) { queueUpdated(queueId: ${q}) { visits { queue { waiting(first: $n) { queue { waiting(first: $n) { id } } } } } } }`,
        staff,
        { n: 50 },
      ],
      ['OPERATION_NOT_ALLOWED', QUEUE_UPDATED, screen, { queueId }],
      ['OPERATION_NOT_ALLOWED', '', screen, { queueId }, { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } }],
      [
        'BAD_USER_INPUT',
        'subscription($v: ID!, $t: String) { visitUpdated(visitId: $v, visitToken: $t) { sequence } }',
        staff,
        { v: '00000000-0000-4000-8000-000000000000', t: 'vt_\u0000' },
      ],
    ];

    const before = await subgraphRequests();
    for (const [code, query, client, variables, extensions] of documents) {
      expect({ code, answer: await codeOf(client, query, variables, extensions) }).toEqual({ code, answer: expect.objectContaining({ code }) });
    }
    // HTTP answers the same codes (a subscription sent over HTTP is refused for that first,
    // except by the token limit, which comes before parsing).
    for (const [code, query] of [documents[0], documents[2]]) {
      expect((await graphql(gatewayA.url, { query })).errors?.[0]?.extensions?.code).toBe(code);
    }
    expect(await subgraphRequests()).toBe(before);

    // A cheap page of the same document passes: the cost depends on the variables, as over HTTP.
    const cheap = staff.subscribe(documents[4][1], { n: 1 });
    const live = screen.subscribe('', { queueId }, { persistedQuery: { version: 1, sha256Hash: displayId } });
    await pause(500);
    await join(queueId, 'After the refusals');
    expect((await cheap.next()).data).toMatchObject({ queueUpdated: { visits: [expect.anything()] } });
    expect((await live.next()).data).toMatchObject({ queueUpdated: { change: 'JOINED' } });
  });

  it('closes the socket with 1009 when a message is larger than the cap (64 KiB by default)', async () => {
    const raw = rawSocket(gatewayA);
    expect(await raw.init()).toBe(true);
    raw.socket.send(JSON.stringify({ id: 'big', type: 'subscribe', payload: { query: `# ${'x'.repeat(2 * 1024 * 1024)}\n${QUEUE_UPDATED}`, variables: {} } }));
    expect((await raw.closed).code).toBe(1009);
  });
});

describe('socket budgets in Redis, shared by every gateway', () => {
  it('spends one per-address connection budget across two gateway processes, closing with 4429 past it', async () => {
    const headers = { 'x-forwarded-for': '198.51.100.20' };
    const opened = [rawSocket(gatewayB, headers), rawSocket(gatewayC, headers), rawSocket(gatewayB, headers), rawSocket(gatewayC, headers)];
    for (const raw of opened) expect(await raw.init()).toBe(true);
    for (const gateway of [gatewayB, gatewayC]) {
      const refused = rawSocket(gateway, headers);
      expect(await refused.init()).toBe(false);
      expect(await refused.closed).toMatchObject({ code: 4429, reason: expect.stringContaining('SUBSCRIPTIONS_CONNECTIONS_PER_ADDRESS') });
    }
    // Another address has a budget of its own; the open connections still work.
    expect(await rawSocket(gatewayB, { 'x-forwarded-for': '198.51.100.21' }).init()).toBe(true);
    opened[0].subscribe('1', '{ __typename }');
    await opened[0].until(() => opened[0].of('1').some((m) => m.type === 'error'));
  });

  it('spends a per-credential connection budget, whatever the address', async () => {
    const params = bearer(users.viewer);
    for (let i = 0; i < 3; i += 1) expect(await rawSocket(i % 2 ? gatewayB : gatewayC, { 'x-forwarded-for': `198.51.100.${30 + i}` }).init(params)).toBe(true);
    const refused = rawSocket(gatewayB, { 'x-forwarded-for': '198.51.100.39' });
    expect(await refused.init(params)).toBe(false);
    expect(await refused.closed).toMatchObject({ code: 4429, reason: expect.stringContaining('SUBSCRIPTIONS_CONNECTIONS_PER_CREDENTIAL') });
    // Visit-token holders (anonymous) have no credential budget, only the address's.
    expect(await rawSocket(gatewayB, { 'x-forwarded-for': '198.51.100.40' }).init()).toBe(true);
  });

  it('answers RATE_LIMITED past the subscribes of a connection per minute, without a subgraph call, and keeps the connection', async () => {
    const queueId = await newQueue();
    const raw = rawSocket(gatewayB, { 'x-forwarded-for': '198.51.100.50' });
    expect(await raw.init(bearer(tenant.ownerToken))).toBe(true);
    for (let i = 1; i <= 4; i += 1) raw.subscribe(String(i), QUEUE_UPDATED, { queueId });
    await pause(1_000);
    const before = await subgraphRequests();
    raw.subscribe('5', QUEUE_UPDATED, { queueId });
    raw.subscribe('6', QUEUE_UPDATED, { queueId });
    await raw.until(() => raw.of('6').length > 0);
    expect(raw.of('6')[0]).toMatchObject({ type: 'error', payload: [{ extensions: { code: 'RATE_LIMITED' } }] });
    // Subscribe 5 was the last of the budget and was authorized from the cache: no call either.
    expect(await subgraphRequests()).toBe(before);
    await join(queueId, 'Still heard');
    await raw.until(() => raw.of('1').some((m) => m.type === 'next') && raw.of('5').some((m) => m.type === 'next'));
    expect(raw.socket.readyState).toBe(WebSocket.OPEN);
  });
});

describe('authorization without amplification', () => {
  it('authorizes 1,000 subscribes of one display screen key with at most one call to the queue subgraph', async () => {
    const queueId = await newQueue();
    const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../schema/operations/manifest.json'), 'utf8')) as {
      operations: { id: string; name: string }[];
    };
    const displayId = manifest.operations.find((operation) => operation.name === 'DisplayQueueUpdated')!.id;
    const screens = await Promise.all(Array.from({ length: 50 }, () => connect(gatewayA, { 'x-api-key': tenant.apiKey.key })));
    const active = async () => Number((await fetch(`${gatewayA.baseUrl}/metrics`).then((r) => r.text())).match(/^wlq_subscriptions_active (\d+)/m)?.[1]);
    const activeBefore = await active();
    const before = await subgraphRequests('queue');
    const subscriptions = screens.flatMap((screen) =>
      Array.from({ length: 20 }, () => screen.subscribe('', { queueId }, { persistedQuery: { version: 1, sha256Hash: displayId } })),
    );
    expect(subscriptions).toHaveLength(1000);
    const started = Date.now();
    while ((await active()) < activeBefore + 1000 && Date.now() - started < 30_000) await pause(200);
    expect(await active()).toBe(activeBefore + 1000);
    const calls = (await subgraphRequests('queue')) - before;
    expect(calls).toBeLessThanOrEqual(1);

    // Each of them is live.
    await join(queueId, 'On a thousand screens');
    const events = await Promise.all(subscriptions.map((subscription) => subscription.next(20_000)));
    expect(events.every((event) => (event.data as { queueUpdated: { change: string } }).queueUpdated.change === 'JOINED')).toBe(true);
    for (const subscription of subscriptions) subscription.complete();
    await Promise.all(screens.map((screen) => screen.close()));
  });

  it('stops a revoked key at its next subscribe, whatever the cache holds', async () => {
    const { createApiKey } = await graphqlOk<{ createApiKey: { key: string; apiKey: { id: string } } }>(gatewayA.url, {
      token: tenant.ownerToken,
      query: 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id } } }',
      variables: { input: { name: 'Lobby screen' } },
    });
    const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../schema/operations/manifest.json'), 'utf8')) as {
      operations: { id: string; name: string }[];
    };
    const byId = { persistedQuery: { version: 1, sha256Hash: manifest.operations.find((operation) => operation.name === 'DisplayQueueUpdated')!.id } };
    const screen = await connect(gatewayA, { 'x-api-key': createApiKey.key });
    screen.subscribe('', { queueId: tenant.queueId }, byId);
    await pause(500);
    await graphqlOk(gatewayA.url, {
      token: tenant.ownerToken,
      query: 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }',
      variables: { id: createApiKey.apiKey.id },
    });
    expect(await codeOf(screen, '', { queueId: tenant.queueId }, byId)).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await screen.closed).toMatchObject({ code: 4403 });
  });
});

describe('a client that stops reading', () => {
  it('is closed with 4480 once what waits for it passes the cap, and resumes with every event (afterSequence)', async () => {
    const queueId = await newQueue();
    for (let i = 0; i < 20; i += 1) await join(queueId, `Early ${i}`);
    // The whole line, 25 times over (within the alias and cost limits): every event weighs hundreds of KB.
    const line = 'waiting(first: 50) { id ticket status customerName position estimatedWaitMinutes joinedAt kind source priority partySize }';
    const heavy = `subscription($queueId: ID!, $afterSequence: Int) {
      queueUpdated(queueId: $queueId, afterSequence: $afterSequence) {
        sequence queue { waitingCount ${Array.from({ length: 25 }, (_, i) => `w${i}: ${line}`).join(' ')} }
      }
    }`;
    const raw = rawSocket(gatewayA);
    expect(await raw.init(bearer(tenant.ownerToken))).toBe(true);
    const ids = ['1', '2', '3', '4', '5'];
    for (const id of ids) raw.subscribe(id, heavy, { queueId });
    await pause(1_000);

    // The client stops reading; the queue keeps changing.
    (raw.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const joins = 30;
    for (let i = 0; i < joins; i += 1) await join(queueId, `Late ${i}`);
    const total = 20 + joins;
    await pause(2_000);
    (raw.socket as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await raw.closed).toMatchObject({ code: 4480, reason: expect.stringContaining('afterSequence') });

    const sequencesOf = (messages: RawMessage[]) =>
      messages.filter((m) => m.type === 'next').map((m) => (m.payload!.data!.queueUpdated as { sequence: number }).sequence);
    const again = rawSocket(gatewayA);
    expect(await again.init(bearer(tenant.ownerToken))).toBe(true);
    const firstSequences = ids.map((id) => sequencesOf(raw.of(id)));
    expect(Math.min(...firstSequences.map((s) => s.length))).toBeGreaterThan(0);
    // It was closed before it had everything.
    expect(Math.min(...firstSequences.map((s) => s.length))).toBeLessThan(joins);
    const waitingCountOf = (message: RawMessage) => (message.payload!.data!.queueUpdated as { queue: { waitingCount: number } }).queue.waitingCount;
    for (const [index, id] of ids.entries()) {
      again.subscribe(id, heavy, { queueId, afterSequence: firstSequences[index].at(-1) });
      await again.until(() => again.of(id).some((m) => m.type === 'error' || (m.type === 'next' && waitingCountOf(m) === total)), 30_000);
      expect(again.of(id).filter((m) => m.type === 'error')).toEqual([]);
    }
    expect(again.socket.readyState).toBe(WebSocket.OPEN);
    for (const [index, id] of ids.entries()) {
      const all = [...firstSequences[index], ...sequencesOf(again.of(id))];
      const first = all[0];
      expect(all).toEqual(Array.from({ length: all.length }, (_, i) => first + i));
      expect(all.at(-1)).toBe(first + joins - 1);
    }
  });
});

describe('control characters in text inputs (finding 3)', () => {
  const visitCount = async () => Number((await sql.query('SELECT count(*) FROM "Visit"')).rows[0].count);

  it('answers BAD_USER_INPUT naming the field, before any subgraph is called, and writes nothing', async () => {
    const queueId = await newQueue();
    const cases: [string, Record<string, unknown>, string][] = [
      [JOIN, { input: { queueId, name: 'Nu\u0000ll' } }, 'input.name'],
      [JOIN, { input: { queueId, name: 'Ada', notes: 'ok\n\u0000' } }, 'input.notes'],
      [JOIN, { input: { queueId, name: 'Ada', idempotencyKey: 'k\u0000' } }, 'input.idempotencyKey'],
      [JOIN, { input: { queueId, name: 'Ada\u001b[2J' } }, 'input.name'],
      ['query($s: String) { business(slug: $s) { id } }', { s: 'clinic\u0000' }, 'slug'],
      ['mutation($e: String!) { signIn(email: $e, password: "whatever-1") { accessToken } }', { e: 'a\u0000@b.test' }, 'email'],
      ['query { customers(search: "x\\u0000") { id } }', {}, 'search'],
      [
        'mutation($input: CreateServiceInput!) { createService(input: $input) { id } }',
        { input: { businessId: tenant.businessId, name: 'Cut\u0000', durationMinutes: 10 } },
        'input.name',
      ],
    ];
    const visitsBefore = await visitCount();
    const before = await subgraphRequests();
    for (const [query, variables, field] of cases) {
      const answer = await graphql(gatewayA.url, { query, variables, token: tenant.ownerToken });
      expect({ field, error: answer.errors?.[0] }).toEqual({
        field,
        error: expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }) }),
      });
      expect(answer.errors![0].message).toContain(field);
    }
    expect(await subgraphRequests()).toBe(before);
    expect(await visitCount()).toBe(visitsBefore);

    // Line breaks in free text are text; the same join without the NUL goes through.
    await graphqlOk(gatewayA.url, { query: JOIN, variables: { input: { queueId, name: 'Ada', notes: 'first line\nsecond line' } } });
    expect(await visitCount()).toBe(visitsBefore + 1);
  });
});
