import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { Queue as BullQueue, type Job } from 'bullmq';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { queueJobId } from '@waitlessq/jobs';
import {
  connectSubscriptions,
  createTenant,
  createTestDatabase,
  graphEnv,
  graphql,
  graphqlOk,
  rateLimitsOff,
  startGraph,
  testRedisUrl,
  type RunningGraph,
  type Tenant,
  type TestDatabase,
  type TestSubscription,
  type TestSubscriptionClient,
} from '@waitlessq/testkit';

// The transactional outbox (issue 10): the queue subgraph is killed with SIGKILL after a join
// committed (its outbox row with it) and before the relay handed the row on; a new process
// on the same address relays it. Subscribers, webhooks and notifications get the change
// exactly once. Then 200 concurrent joins: 200 "joined" events, jobs, texts and webhooks, no
// more. The workers run as their own process, sending to a local SMS provider and a local
// webhook receiver (walk-ins give a phone; joinQueue takes no email address). The relay dying
// after its append but before its COMMIT is subgraphs/queue/src/events/outbox.int.test.ts.

let db: TestDatabase;
let graph: RunningGraph;
let tenant: Tenant;
let sql: Client;
let connection: IORedis;
let bull: Record<'notifications' | 'webhooks', BullQueue>;
const clients: TestSubscriptionClient[] = [];
/** What the local SMS provider received, and the local webhook receiver. */
const texts: { to: string; body: string }[] = [];
const webhooksReceived: { id: string; type: string; visitId: string | undefined }[] = [];
const servers: net.Server[] = [];

/** A local HTTP server that hands every request's body to `record` and answers `status` with `answer`. */
async function receiver(record: (request: http.IncomingMessage, body: string) => void, status: number, answer: () => unknown): Promise<string> {
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      record(request, body);
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer()));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  db = await createTestDatabase();
  // 200 joins of one queue at once take their turns for its lock, each holding a pool
  // connection meanwhile: on a busy two-core machine the last waits longer than the defaults
  // allow (5 s for a connection, 10 s for a statement, 15 s for a request), and Redis
  // commands queued behind them miss the 200 ms default.
  const smsProvider = await receiver(
    (_, body) => {
      const form = new URLSearchParams(body);
      texts.push({ to: form.get('To') ?? '', body: form.get('Body') ?? '' });
    },
    201,
    () => ({ sid: `SM${texts.length}`, status: 'queued' }),
  );
  const webhookReceiver = await receiver(
    (request, body) => {
      const payload = JSON.parse(body) as { type: string; data: { visit?: { id: string } } };
      webhooksReceived.push({ id: String(request.headers['webhook-id']), type: payload.type, visitId: payload.data.visit?.id });
    },
    200,
    () => ({}),
  );
  const env = graphEnv(db, {
    ...rateLimitsOff,
    WEBHOOKS_ALLOW_PRIVATE_ADDRESSES: 'true',
    SMS_PROVIDER_URL: smsProvider,
    SMS_ACCOUNT_SID: 'AC-outbox',
    SMS_AUTH_TOKEN: 'outbox-token',
    SMS_FROM: '+15550000000',
    JOBS_SMS_PER_SECOND: '1000',
    JOBS_SMS_CONCURRENCY: '20',
    REDIS_COMMAND_TIMEOUT_MS: '2000',
    REQUEST_TIMEOUT_MS: '60000',
    DATABASE_POOL_SIZE: '20',
    DATABASE_CONNECT_TIMEOUT_MS: '30000',
    DATABASE_STATEMENT_TIMEOUT_MS: '30000',
  });
  graph = await startGraph(env, { startTimeoutMs: 90_000 });
  tenant = await createTenant(graph.gateway.url, 'Outbox');
  // The tenant's own endpoint points at a public address; this suite's receives the joins instead.
  const owner = tenant.staff.OWNER.accessToken;
  await graphqlOk(graph.gateway.url, {
    query: 'mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }',
    variables: { id: tenant.webhook.endpointId },
    token: owner,
  });
  await graphqlOk(graph.gateway.url, {
    query: 'mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret } }',
    variables: { input: { url: `${webhookReceiver}/hooks`, eventTypes: ['visit.joined'] } },
    token: owner,
  });
  await graph.startReplica('workers');
  sql = new Client({ connectionString: db.url });
  await sql.connect();
  // The graph's BullMQ queues (packages/jobs create-jobs.ts: `${REDIS_KEY_PREFIX}jobs`); jobs the workers ran are kept there a day.
  connection = new IORedis(testRedisUrl, { maxRetriesPerRequest: null });
  const prefix = `${env.REDIS_KEY_PREFIX}jobs`;
  bull = { notifications: new BullQueue('notifications', { connection, prefix }), webhooks: new BullQueue('webhooks', { connection, prefix }) };
  // Six processes and a tenant built through the API: minutes, not seconds, when the machine is busy.
}, 180_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await Promise.all(Object.values(bull ?? {}).map((queue) => queue.close()));
  connection?.disconnect();
  await sql?.end();
  await graph?.stop();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await db?.drop();
}, 30_000);

/** The relay's advisory lock namespace, "QEVT" (subgraphs/queue/src/events/publisher.ts relayLockNamespace). */
const relayLockNamespace = 0x51455654;

const JOIN = `mutation($input: JoinQueueInput!) { joinQueue(input: $input) { visit { id } } }`;
const QUEUE_UPDATED = `subscription($queueId: ID!, $afterSequence: Int) {
  queueUpdated(queueId: $queueId, afterSequence: $afterSequence) { sequence change visits { id } }
}`;
type QueueUpdate = { queueUpdated: { sequence: number; change: string; visits: { id: string }[] } };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function newQueue(): Promise<string> {
  const { createQueue } = await graphqlOk<{ createQueue: { id: string } }>(graph.gateway.url, {
    query: `mutation($input: CreateQueueInput!) { createQueue(input: $input) { id } }`,
    variables: { input: { businessId: tenant.businessId, name: `Outbox desk ${Math.random()}` } },
    token: tenant.staff.OWNER.accessToken,
  });
  return createQueue.id;
}

let phones = 0;
/** A phone number of its own for every walk-in: the texts each received are told apart by it. */
const newPhone = () => `+4915200${String(++phones).padStart(6, '0')}`;
const joinInput = (queueId: string, name: string, phone: string) => ({ query: JOIN, variables: { input: { queueId, name, phone } } });
const join = async (queueId: string, name: string, phone = newPhone(), gateway = graph.gateway.url) =>
  (await graphqlOk<{ joinQueue: { visit: { id: string } } }>(gateway, joinInput(queueId, name, phone))).joinQueue.visit.id;
/** The "you're in line" texts (packages/channels templates, JOINED) a phone received. */
const joinedTexts = (phone: string) => texts.filter((text) => text.to === phone && /you're in line/.test(text.body));
/** The distinct webhook events (webhook-id) a visit's join was delivered as. */
const joinedWebhooks = (visitId: string) =>
  new Set(webhooksReceived.filter((hook) => hook.type === 'visit.joined' && hook.visitId === visitId).map((hook) => hook.id));

/** Every event of the queue from now on, as a member of its staff sees them on the gateway. */
async function watch(queueId: string, afterSequence?: number): Promise<TestSubscription<QueueUpdate>> {
  const client = await connectSubscriptions(graph.gateway.url, { authorization: `Bearer ${tenant.staff.VIEWER.accessToken}` });
  clients.push(client);
  // From the queue's last issued sequence, replayed from the log: a subscription still being set
  // up on a busy gateway when the next join commits misses nothing (a fixed pause did, once).
  const from =
    afterSequence ??
    (await sql.query<{ sequence: number }>(`SELECT "lastEventSequence" AS "sequence" FROM "Queue" WHERE "id" = $1`, [queueId])).rows[0].sequence;
  return client.subscribe<QueueUpdate>(QUEUE_UPDATED, { queueId, afterSequence: from });
}
const updates = (feed: TestSubscription<QueueUpdate>) => feed.received.map((payload) => payload.data!.queueUpdated);

async function until(what: string, condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(25);
  }
}

const outboxOf = async (queueId: string) =>
  (
    await sql.query<{ kind: string; visitIds: string[] }>(
      `SELECT "kind", "visitIds"::text[] AS "visitIds" FROM "OutboxEvent" WHERE "queueId" = $1 ORDER BY "id"`,
      [queueId],
    )
  ).rows;

/** Every job of a BullMQ queue, whatever its state. */
const allJobs = async (queue: BullQueue): Promise<Job[]> =>
  (await queue.getJobs(['wait', 'prioritized', 'active', 'delayed', 'completed', 'failed', 'waiting-children'], 0, -1)).filter(Boolean);
const joinedNotifications = async (visitIds: Set<string>) =>
  (await allJobs(bull.notifications)).filter((job) => job.name === 'notify-visit' && job.data.kind === 'JOINED' && visitIds.has(job.data.visitId));
const joinedWebhookEvents = async (queueId: string) =>
  (await allJobs(bull.webhooks)).filter((job) => job.name === 'webhook-event' && job.data.type === 'visit.joined' && job.data.data?.queueId === queueId);

/** The notifications recorded for these visits (one row per visit, kind and channel), except push: no visit here subscribed to it. */
const sentNotifications = async (visitIds: string[]) =>
  (
    await sql.query<{ visitId: string; kind: string; channel: string; status: string }>(
      `SELECT "visitId"::text AS "visitId", "kind"::text AS "kind", "channel"::text AS "channel", "status"::text AS "status"
       FROM "Notification" WHERE "visitId" = ANY($1::uuid[]) AND "channel" <> 'PUSH' ORDER BY "createdAt"`,
      [visitIds],
    )
  ).rows;

describe('kill -9 of the queue subgraph between the commit of a join and its relay', () => {
  it('a new process relays the committed join: one event to subscribers, one notification (job and text), one webhook event', async () => {
    const queueId = await newQueue();
    const feed = await watch(queueId);
    const beforePhone = newPhone();
    const before = await join(queueId, 'Before the crash', beforePhone);
    const first = (await feed.next()).data!.queueUpdated;
    expect(first).toMatchObject({ change: 'JOINED', visits: [{ id: before }] });

    // Held from here, the queue's relay lock stops the relay after the join has committed.
    const locker = new Client({ connectionString: db.url });
    await locker.connect();
    try {
      await locker.query('SELECT pg_advisory_lock($1, hashtext($2))', [relayLockNamespace, queueId]);
      const phone = newPhone();
      const answer = graphql(graph.gateway.url, joinInput(queueId, 'Joined in the window', phone)).catch((error: unknown) => ({ thrown: error }));

      let visitId = '';
      await until('the join has committed with its outbox row', async () => {
        const { rows } = await sql.query<{ id: string }>(`SELECT "id" FROM "Visit" WHERE "queueId" = $1 AND "customerName" = 'Joined in the window'`, [
          queueId,
        ]);
        visitId = rows[0]?.id ?? '';
        return visitId !== '' && (await outboxOf(queueId)).some((row) => row.visitIds.includes(visitId));
      });
      await until("the queue subgraph's relay waits for the lock", async () => {
        const { rows } = await sql.query<{ waiting: number }>(
          `SELECT count(*)::int AS "waiting" FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = $1
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
          [relayLockNamespace],
        );
        return rows[0].waiting > 0;
      });

      const queue = graph.subgraphs.queue;
      const exited = new Promise((resolve) => queue.process.once('exit', resolve));
      process.kill(queue.process.pid!, 'SIGKILL');
      await exited;
      await locker.query('SELECT pg_advisory_unlock($1, hashtext($2))', [relayLockNamespace, queueId]);

      // Committed, not relayed: the row waits, no one heard of the join, and its caller got no answer.
      expect(await outboxOf(queueId)).toEqual([{ kind: 'JOINED', visitIds: [visitId] }]);
      expect(await answer).not.toHaveProperty('data.joinQueue.visit.id');
      expect(feed.received).toHaveLength(1);
      expect(await joinedNotifications(new Set([visitId]))).toEqual([]);
      expect(joinedTexts(phone)).toEqual([]);

      // Another process of the queue subgraph on the same address (the gateway's QUEUE_SUBGRAPH_URL).
      await graph.startReplica('queue', { PORT: new URL(queue.baseUrl).port });
      const relayed = (await feed.next(10_000)).data!.queueUpdated;
      expect(relayed).toEqual({ sequence: first.sequence + 1, change: 'JOINED', visits: [{ id: visitId }] });
      await until('the workers texted and posted the join', async () => joinedTexts(phone).length > 0 && joinedWebhooks(visitId).size > 0, 20_000);
      // Over two stale-row sweeps later, nothing more.
      await sleep(2_500);
      expect(updates(feed).map((update) => update.sequence)).toEqual([first.sequence, first.sequence + 1]);
      expect(await outboxOf(queueId)).toEqual([]);

      const notifications = await joinedNotifications(new Set([before, visitId]));
      expect(notifications.map((job) => job.id).sort()).toEqual(
        [queueJobId(`notify-visit:${before}:JOINED`), queueJobId(`notify-visit:${visitId}:JOINED`)].sort(),
      );
      const webhooks = await joinedWebhookEvents(queueId);
      expect(webhooks.map((job) => job.data.data.visit.id).sort()).toEqual([before, visitId].sort());
      expect(joinedTexts(phone)).toHaveLength(1);
      expect(joinedTexts(beforePhone)).toHaveLength(1);
      expect(joinedWebhooks(visitId).size).toBe(1);
      expect(await sentNotifications([visitId])).toEqual([{ visitId, kind: 'JOINED', channel: 'SMS', status: 'SENT' }]);

      // The next join takes the next sequence (through the new process).
      const after = await join(queueId, 'After the restart');
      expect((await feed.next()).data!.queueUpdated).toEqual({ sequence: first.sequence + 2, change: 'JOINED', visits: [{ id: after }] });
    } finally {
      await locker.end();
    }
  });
});

/**
 * A TCP proxy in front of the test Redis. Armed with a marker, it holds the first command a
 * client sends that contains it (and everything after it on that connection): the client
 * waits for an answer that never comes, frozen at that point, while its other connections
 * go on.
 */
async function holdingRedisProxy(): Promise<{ url: string; arm(marker: string): void; held(): boolean; close(): Promise<void> }> {
  const target = new URL(testRedisUrl);
  let marker: string | null = null;
  let held = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 6379), target.hostname);
    let holding = false;
    sockets.add(client).add(upstream);
    client.on('data', (chunk) => {
      if (!holding && marker !== null && chunk.includes(marker)) {
        holding = true;
        held = true;
        marker = null;
      }
      if (!holding) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) socket.on('close', end).on('error', end);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arm: (value) => void (marker = value),
    held: () => held,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('kill -9 of the queue subgraph after its relay appended the events to Redis, before its COMMIT', () => {
  it('a batch of two rows: each event stays once in the log, no sequence is skipped or repeated, and their effects happen once', async () => {
    const queueId = await newQueue();
    // A queue process whose Redis connections go through the proxy, and a gateway in front of it.
    const proxy = await holdingRedisProxy();
    const frozen = await graph.startReplica('queue', { REDIS_URL: proxy.url });
    const gatewayB = await graph.startGateway({ QUEUE_SUBGRAPH_URL: frozen.url });
    const feed = await watch(queueId);
    const before = await join(queueId, 'Before the crash', newPhone(), gatewayB.url);
    const first = (await feed.next()).data!.queueUpdated;
    expect(first).toMatchObject({ change: 'JOINED', visits: [{ id: before }] });

    // Two joins commit while the relay lock is held: one relay then takes both rows in one batch.
    const locker = new Client({ connectionString: db.url });
    await locker.connect();
    const phones = [newPhone(), newPhone()];
    const answers: Promise<unknown>[] = [];
    try {
      await locker.query('SELECT pg_advisory_lock($1, hashtext($2))', [relayLockNamespace, queueId]);
      for (const [index, phone] of phones.entries()) {
        answers.push(graphql(gatewayB.url, joinInput(queueId, `Appended, not committed ${index}`, phone)).catch((error: unknown) => ({ thrown: error })));
        await until(`join ${index} has committed`, async () => (await outboxOf(queueId)).length === index + 1);
      }
    } catch (error) {
      await locker.end();
      throw error;
    }
    const visitIds = (await outboxOf(queueId)).map((row) => row.visitIds[0]);
    // The relay appends the first event, adds its jobs, appends the second event, then adds
    // the second "joined" job (its jobs connection, held by the proxy): it stops there, inside
    // its transaction, with both events in the log.
    proxy.arm(queueJobId(`notify-visit:${visitIds[1]}:JOINED`));
    await locker.query('SELECT pg_advisory_unlock($1, hashtext($2))', [relayLockNamespace, queueId]);
    await locker.end();
    await until('the second job is held', async () => proxy.held());
    const appended = [(await feed.next()).data!.queueUpdated, (await feed.next()).data!.queueUpdated];
    expect(appended).toEqual(visitIds.map((id, index) => ({ sequence: first.sequence + 1 + index, change: 'JOINED', visits: [{ id }] })));
    // Not committed: the rows are still there for every other session, and the sequences were not taken.
    expect(await outboxOf(queueId)).toEqual(visitIds.map((id) => ({ kind: 'JOINED', visitIds: [id] })));
    const sequenceOf = async () =>
      (await sql.query<{ sequence: number }>('SELECT "lastEventSequence" AS "sequence" FROM "Queue" WHERE "id" = $1', [queueId])).rows[0].sequence;
    expect(await sequenceOf()).toBe(first.sequence);

    const exited = new Promise((resolve) => frozen.process.once('exit', resolve));
    process.kill(frozen.process.pid!, 'SIGKILL');
    await exited;
    await proxy.close();
    for (const answer of answers) expect(await answer).not.toHaveProperty('data.joinQueue.visit.id');

    // The other queue process's stale-row sweep relays the rows again: the log has both events, so neither is appended twice.
    await until('the rows were relayed', async () => (await outboxOf(queueId)).length === 0);
    expect(await sequenceOf()).toBe(first.sequence + 2);
    await until(
      'the workers texted and posted the joins',
      async () => phones.every((phone) => joinedTexts(phone).length > 0) && visitIds.every((id) => joinedWebhooks(id).size > 0),
      20_000,
    );
    const after = await join(queueId, 'After the crash');
    expect((await feed.next()).data!.queueUpdated).toEqual({ sequence: first.sequence + 3, change: 'JOINED', visits: [{ id: after }] });
    await sleep(1_500);
    expect(updates(feed).map((update) => [update.sequence, update.visits[0].id])).toEqual([
      [first.sequence, before],
      [first.sequence + 1, visitIds[0]],
      [first.sequence + 2, visitIds[1]],
      [first.sequence + 3, after],
    ]);

    expect((await joinedNotifications(new Set(visitIds))).map((job) => job.id).sort()).toEqual(
      visitIds.map((id) => queueJobId(`notify-visit:${id}:JOINED`)).sort(),
    );
    expect((await joinedWebhookEvents(queueId)).filter((job) => visitIds.includes(job.data.data.visit.id))).toHaveLength(2);
    for (const phone of phones) expect(joinedTexts(phone)).toHaveLength(1);
    for (const id of visitIds) expect(joinedWebhooks(id).size).toBe(1);
    expect((await sentNotifications(visitIds)).map((row) => [row.visitId, row.kind, row.status]).sort()).toEqual(
      visitIds.map((id) => [id, 'JOINED', 'SENT']).sort(),
    );
  });
});

describe('200 concurrent joins', () => {
  it('produce 200 "joined" events with contiguous sequences, 200 notifications (jobs and texts) and 200 webhook events, no more', async () => {
    const queueId = await newQueue();
    const feed = await watch(queueId);
    // Half of them through a second gateway to a second queue process: two processes relay the
    // rows of one queue at the same time, taking turns by its advisory lock.
    const replica = await graph.startReplica('queue');
    const gatewayB = await graph.startGateway({ QUEUE_SUBGRAPH_URL: replica.url });
    const guests = Array.from({ length: 200 }, () => newPhone());
    const joined = await Promise.all(guests.map((phone, i) => join(queueId, `Guest ${i}`, phone, i % 2 ? gatewayB.url : graph.gateway.url)));
    const visitIds = new Set(joined);
    expect(visitIds.size).toBe(200);

    // Every join's response waited for its relay: the events are on their way.
    await until('200 events arrived', async () => feed.received.length >= 200, 20_000).catch(async (error: Error) => {
      const ended = await Promise.race([feed.ended, sleep(0).then(() => 'open')]);
      throw new Error(
        `${error.message}: ${feed.received.length} received, the subscription ${JSON.stringify(ended)}, the last ${JSON.stringify(updates(feed).slice(-3))}`,
      );
    });
    await sleep(1_500);
    const live = updates(feed);
    expect(live).toHaveLength(200);
    expect(live.every((update) => update.change === 'JOINED' && update.visits.length === 1)).toBe(true);
    expect(new Set(live.map((update) => update.visits[0].id))).toEqual(visitIds);
    const start = live[0].sequence;
    expect(live.map((update) => update.sequence)).toEqual(Array.from({ length: 200 }, (_, i) => start + i));

    // The log holds exactly these (a replay from before the first).
    const replay = await watch(queueId, start - 1);
    await until('the replay arrived', async () => replay.received.length >= 200);
    await sleep(300);
    expect(updates(replay)).toEqual(live);

    expect(await outboxOf(queueId)).toEqual([]);
    const notifications = await joinedNotifications(visitIds);
    expect(new Set(notifications.map((job) => job.data.visitId))).toEqual(visitIds);
    expect(notifications).toHaveLength(200);
    const webhooks = await joinedWebhookEvents(queueId);
    expect(new Set(webhooks.map((job) => job.data.data.visit.id))).toEqual(visitIds);
    expect(webhooks).toHaveLength(200);

    // The workers told each guest once, and the partner once per join.
    await until(
      'every guest got a text and every join was posted',
      async () => guests.every((phone) => joinedTexts(phone).length > 0) && joined.every((id) => joinedWebhooks(id).size > 0),
      40_000,
    ).catch((error: Error) => {
      throw new Error(
        `${error.message}: ${guests.filter((phone) => joinedTexts(phone).length > 0).length} texted, ${joined.filter((id) => joinedWebhooks(id).size > 0).length} posted`,
      );
    });
    await sleep(1_500);
    expect(guests.filter((phone) => joinedTexts(phone).length !== 1)).toEqual([]);
    expect(texts.filter((text) => guests.includes(text.to) && /you're in line/.test(text.body))).toHaveLength(200);
    expect(joined.filter((id) => joinedWebhooks(id).size !== 1)).toEqual([]);
    const sent = await sentNotifications(joined);
    expect(sent).toHaveLength(200);
    expect(sent.every((row) => row.kind === 'JOINED' && row.channel === 'SMS' && row.status === 'SENT')).toBe(true);
  });
});
