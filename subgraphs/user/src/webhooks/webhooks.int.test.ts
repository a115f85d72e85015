import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { Webhook } from 'standardwebhooks';
import { identityHeader, type Identity, type StaffRole } from '@waitlessq/auth';
import type { AddOptions, JobCatalog, JobName, Jobs } from '@waitlessq/jobs';
import type { ServiceRuntime } from '@waitlessq/subgraph-kit';
import { createTestDatabase, startSubgraph, type RunningSubgraph, type TestDatabase } from '@waitlessq/testkit';
import { createUserSubgraph } from '../index';
import { deliverWebhook, fanOutWebhookEvent } from './domain';

// The user subgraph over HTTP (two instances: one refusing private addresses as production
// does, one allowing them as tests need), a real receiver on 127.0.0.1 that verifies every
// request with the standardwebhooks library, and the domain functions the workers run.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Data = Record<string, any>;
interface Response {
  data?: Data | null;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
}

const CREATE = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret endpoint { id url description eventTypes enabled disabledAt disabledReason createdAt } } }`;
const LIST = `{ webhookEndpoints { id url eventTypes enabled disabledAt disabledReason } }`;
const ROTATE = `mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret endpoint { id } } }`;
const DELETE = `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`;
const ENABLE = `mutation($id: ID!) { enableWebhookEndpoint(id: $id) { id enabled disabledAt disabledReason } }`;
const DELIVERIES = `query($e: ID!, $first: Int, $after: String) { webhookDeliveries(endpointId: $e, first: $first, after: $after) {
  edges { cursor node { id } } pageInfo { hasNextPage endCursor }
  nodes { id eventId eventType status attemptCount lastStatusCode lastError createdAt deliveredAt attempts { attemptedAt succeeded statusCode error durationMs } } } }`;
const SEND_TEST = `mutation($e: ID!) { sendTestWebhook(endpointId: $e) { id eventId eventType status } }`;
const REDELIVER = `mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id status eventId } }`;

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  verified: boolean;
  status: number;
}

/** A partner's receiver: verifies with the secret registered for the path, answers the scripted statuses (then 200). */
class Receiver {
  readonly received: Received[] = [];
  readonly secrets = new Map<string, string>();
  readonly script = new Map<string, number[]>();
  private server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const path = request.url ?? '/';
      let verified = false;
      try {
        new Webhook(this.secrets.get(path) ?? 'whsec_AAAA').verify(body, request.headers as Record<string, string>);
        verified = true;
      } catch {
        verified = false;
      }
      const status = verified ? (this.script.get(path)?.shift() ?? 200) : 401;
      this.received.push({ path, headers: request.headers, body, verified, status });
      response.writeHead(status).end();
    });
  });
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
  at = (path: string) => this.received.filter((r) => r.path === path);
  /** Sends a request as the receiver would get it and says whether it verified. */
  async replay(path: string, headers: Record<string, string>, body: string): Promise<number> {
    const response = await fetch(this.url + path, { method: 'POST', headers, body });
    return response.status;
  }
}

let db: TestDatabase;
let strict: ServiceRuntime;
let lenient: ServiceRuntime;
let subgraphs: RunningSubgraph[] = [];
let strictUrl: string;
let lenientUrl: string;
let sql: Client;
const receiver = new Receiver();
const added: { name: JobName; data: unknown; options?: AddOptions }[] = [];

/** The producer side recording what is handed on (the real queues are the jobs package's business). */
const recordingJobs: Jobs = {
  kind: 'memory',
  queue: {
    add: async <N extends JobName>(name: N, data: JobCatalog[N], options?: AddOptions) => {
      added.push({ name, data, options });
    },
    addBulk: async (jobs) => {
      for (const job of jobs) added.push({ name: job.name, data: job.data, options: job.options });
    },
    close: async () => undefined,
  },
  startRunner: () => Promise.reject(new Error('not in this test')),
  close: async () => undefined,
};

const env = (allowPrivate: boolean) => ({ REDIS_KEY_PREFIX: `test:${db.name}:`, WEBHOOKS_ALLOW_PRIVATE_ADDRESSES: String(allowPrivate) });
const recording = (runtime: ServiceRuntime) => void Object.assign(runtime, { jobs: recordingJobs });

beforeAll(async () => {
  db = await createTestDatabase();
  const strictOne = await startSubgraph('user', createUserSubgraph, db, { env: env(false), prepare: recording });
  const lenientOne = await startSubgraph('user', createUserSubgraph, db, {
    env: env(true),
    shared: { db: strictOne.runtime.db, redis: strictOne.runtime.redis },
    prepare: recording,
  });
  subgraphs = [lenientOne, strictOne];
  [strict, strictUrl, lenient, lenientUrl] = [strictOne.runtime, strictOne.url, lenientOne.runtime, lenientOne.url];
  sql = new Client({ connectionString: db.url });
  await sql.connect();
  await receiver.start();
});

afterAll(async () => {
  await receiver.stop();
  await sql?.end();
  for (const subgraph of subgraphs) await subgraph.stop();
  await db?.drop();
});

async function call(query: string, variables: Record<string, unknown>, identity: Identity, url = lenientUrl): Promise<Response> {
  const runtime = url === strictUrl ? strict : lenient;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [identityHeader]: await runtime.signer.sign(identity) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Response;
}

const codeOf = (response: Response) => response.errors?.[0]?.extensions?.code;
const fieldOf = (response: Response) => response.errors?.[0]?.extensions?.field;
const staff = (organizationId: string, role: StaffRole = 'OWNER'): Identity => ({
  kind: 'staff',
  subjectId: randomUUID(),
  organizationId,
  role,
  platformAdmin: false,
});
const endpointRows = async () => (await sql.query('SELECT * FROM "WebhookEndpoint" ORDER BY "id"')).rows;
const prisma = () => lenient.db.prisma;
const options = (disableAfterFailures = 5) => ({ allowPrivateAddresses: true, disableAfterFailures, timeoutMs: 5_000 });

let paths = 0;
async function createEndpoint(owner: Identity, eventTypes = ['visit.called'], description?: string) {
  const path = `/hooks/${(paths += 1)}`;
  const response = await call(CREATE, { input: { url: receiver.url + path, eventTypes, description } }, owner);
  expect(response.errors).toBeUndefined();
  const created = response.data!.createWebhookEndpoint as { secret: string; endpoint: { id: string; url: string; enabled: boolean } };
  receiver.secrets.set(path, created.secret);
  return { ...created, path };
}

const event = (organizationId: string, type = 'visit.called', data: Record<string, unknown> = { visitId: randomUUID(), ticket: 'A-012' }) => ({
  eventId: `evt_${randomUUID()}`,
  organizationId,
  type,
  occurredAt: new Date().toISOString(),
  data,
});

async function deliveryOf(id: string) {
  return prisma().webhookDelivery.findUniqueOrThrow({ where: { id }, include: { attempts: { orderBy: { attemptedAt: 'asc' } } } });
}

describe('webhook endpoints', () => {
  const organizationId = randomUUID();
  const owner = staff(organizationId);

  it('shows a whsec_ secret once, stores the endpoint, and lists it without the secret', async () => {
    const created = await createEndpoint(owner, ['visit.called', 'queue.paused', 'visit.called'], '  CRM sync ');
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(created.secret.slice(6), 'base64')).toHaveLength(32);
    expect(created.endpoint).toMatchObject({
      url: `${receiver.url}${created.path}`,
      enabled: true,
      description: 'CRM sync',
      eventTypes: ['visit.called', 'queue.paused'],
    });
    const listed = await call(LIST, {}, staff(organizationId, 'ADMIN'));
    expect(listed.data!.webhookEndpoints).toEqual([expect.objectContaining({ id: created.endpoint.id, enabled: true })]);
    expect(JSON.stringify(listed)).not.toContain(created.secret);
  });

  it('lets OWNER and ADMIN manage endpoints and refuses everyone else, with nothing written', async () => {
    const { endpoint } = await createEndpoint(staff(organizationId, 'ADMIN'));
    const before = await endpointRows();
    const refused: Identity[] = [
      staff(organizationId, 'MANAGER'),
      staff(organizationId, 'STAFF'),
      staff(organizationId, 'VIEWER'),
      { kind: 'customer', subjectId: randomUUID(), organizationId },
      { kind: 'partner', subjectId: randomUUID(), organizationId },
    ];
    const input = { url: `${receiver.url}/sneaky`, eventTypes: ['visit.joined'] };
    for (const identity of refused) {
      expect(codeOf(await call(CREATE, { input }, identity))).toBe('FORBIDDEN');
      expect(codeOf(await call(LIST, {}, identity))).toBe('FORBIDDEN');
      for (const query of [ROTATE, DELETE, ENABLE]) expect(codeOf(await call(query, { id: endpoint.id }, identity))).toBe('FORBIDDEN');
      expect(codeOf(await call(DELIVERIES, { e: endpoint.id }, identity))).toBe('FORBIDDEN');
      expect(codeOf(await call(SEND_TEST, { e: endpoint.id }, identity))).toBe('FORBIDDEN');
    }
    expect(codeOf(await call(CREATE, { input }, { kind: 'anonymous' }))).toBe('UNAUTHENTICATED');
    expect(await endpointRows()).toEqual(before);
  });

  it('refuses empty or unknown event types and bad URLs with BAD_USER_INPUT naming the field', async () => {
    const before = await endpointRows();
    const cases: [Record<string, unknown>, string][] = [
      [{ url: `${receiver.url}/x`, eventTypes: [] }, 'eventTypes'],
      [{ url: `${receiver.url}/x`, eventTypes: ['visit.called', 'visit.teleported'] }, 'eventTypes'],
      [{ url: 'ftp://example.com/hooks', eventTypes: ['visit.called'] }, 'url'],
      [{ url: 'not a url', eventTypes: ['visit.called'] }, 'url'],
      [{ url: 'https://user:pw@203.0.113.7/hooks', eventTypes: ['visit.called'] }, 'url'],
      [{ url: `${receiver.url}/x`, eventTypes: ['visit.called'], description: 'x'.repeat(501) }, 'description'],
    ];
    for (const [input, field] of cases) {
      const response = await call(CREATE, { input }, owner);
      expect([input, codeOf(response), fieldOf(response)]).toEqual([input, 'BAD_USER_INPUT', field]);
    }
    expect(await endpointRows()).toEqual(before);
  });

  it('refuses loopback, private, link-local and reserved addresses unless private addresses are allowed', async () => {
    const refused = [
      'https://127.0.0.1/hooks',
      'https://10.1.2.3/hooks',
      'https://172.16.0.9/hooks',
      'https://192.168.1.1/hooks',
      'https://169.254.169.254/latest/meta-data',
      'https://100.64.0.1/hooks',
      'https://0.0.0.0/hooks',
      'https://224.0.0.1/hooks',
      'https://[::1]/hooks',
      'https://[fd12:3456::1]/hooks',
      'https://[fe80::1]/hooks',
      'https://[::ffff:127.0.0.1]/hooks',
      'https://localhost/hooks',
      'http://localhost/hooks',
      `${receiver.url}/hooks`,
    ];
    const before = await endpointRows();
    for (const url of refused) {
      const response = await call(CREATE, { input: { url, eventTypes: ['visit.called'] } }, owner, strictUrl);
      expect([url, codeOf(response), fieldOf(response)]).toEqual([url, 'BAD_USER_INPUT', 'url']);
    }
    expect(await endpointRows()).toEqual(before);
    // A public address passes (no connection is made when saving).
    const publicOne = await call(CREATE, { input: { url: 'https://203.0.113.7/hooks', eventTypes: ['visit.called'] } }, owner, strictUrl);
    expect(publicOne.errors).toBeUndefined();
    // Allowed (tests): the same addresses, and http.
    for (const url of [
      'https://127.0.0.1/hooks',
      'https://10.1.2.3/hooks',
      'https://169.254.169.254/latest/meta-data',
      'http://localhost/hooks',
      `${receiver.url}/hooks`,
    ]) {
      const response = await call(CREATE, { input: { url, eventTypes: ['visit.called'] } }, owner, lenientUrl);
      expect([url, response.errors]).toEqual([url, undefined]);
    }
    await sql.query('DELETE FROM "WebhookEndpoint" WHERE "organizationId" = $1 AND "url" NOT LIKE $2', [organizationId, `${receiver.url}/hooks/%`]);
  });

  it("answers NOT_FOUND for another organization's endpoint or delivery, and for malformed ids, changing nothing", async () => {
    const elsewhere = randomUUID();
    const foreign = await createEndpoint(staff(elsewhere));
    const [foreignDelivery] = await fanOutWebhookEvent(prisma(), event(elsewhere));
    const before = await endpointRows();
    const jobsBefore = added.length;
    for (const id of [foreign.endpoint.id, 'not-a-uuid']) {
      for (const query of [ROTATE, DELETE, ENABLE]) expect(codeOf(await call(query, { id }, owner))).toBe('NOT_FOUND');
      expect(codeOf(await call(DELIVERIES, { e: id }, owner))).toBe('NOT_FOUND');
      expect(codeOf(await call(SEND_TEST, { e: id }, owner))).toBe('NOT_FOUND');
    }
    expect(codeOf(await call(REDELIVER, { id: foreignDelivery }, owner))).toBe('NOT_FOUND');
    expect(codeOf(await call(REDELIVER, { id: foreign.endpoint.id }, owner))).toBe('NOT_FOUND');
    expect(await endpointRows()).toEqual(before);
    expect(added.length).toBe(jobsBefore);
    const listed = (await call(LIST, {}, owner)).data!.webhookEndpoints as { id: string }[];
    expect(listed.map((e) => e.id)).not.toContain(foreign.endpoint.id);
  });

  it('rotates the secret: deliveries are then signed with the new one only', async () => {
    const created = await createEndpoint(owner);
    const rotated = await call(ROTATE, { id: created.endpoint.id }, owner);
    const secret = rotated.data!.rotateWebhookSecret.secret as string;
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(created.secret);
    receiver.secrets.set(created.path, secret);
    const ids = await fanOutWebhookEvent(prisma(), event(organizationId));
    const mine = (await prisma().webhookDelivery.findMany({ where: { id: { in: ids }, endpointId: created.endpoint.id } }))[0];
    await deliverWebhook(prisma(), options(), mine.id, { attempt: 1, maxAttempts: 15 });
    const [request] = receiver.at(created.path);
    expect(request.verified).toBe(true);
    expect(() => new Webhook(secret).verify(request.body, request.headers as Record<string, string>)).not.toThrow();
    expect(() => new Webhook(created.secret).verify(request.body, request.headers as Record<string, string>)).toThrow();
  });

  it('deletes an endpoint and its deliveries', async () => {
    const created = await createEndpoint(owner, ['queue.closed']);
    const [deliveryId] = await fanOutWebhookEvent(prisma(), event(organizationId, 'queue.closed'));
    const deleted = await call(DELETE, { id: created.endpoint.id }, owner);
    expect(deleted.data!.deleteWebhookEndpoint).toBe(created.endpoint.id);
    expect((await sql.query('SELECT 1 FROM "WebhookDelivery" WHERE "id" = $1', [deliveryId])).rowCount).toBe(0);
    expect(codeOf(await call(DELETE, { id: created.endpoint.id }, owner))).toBe('NOT_FOUND');
    // A job still queued for it finds nothing and does nothing.
    await expect(deliverWebhook(prisma(), options(), deliveryId, { attempt: 1, maxAttempts: 15 })).resolves.toBeUndefined();
  });
});

describe('fan-out and delivery', () => {
  const organizationId = randomUUID();
  const owner = staff(organizationId);

  it('creates one delivery per enabled endpoint subscribed to the type, once however often it runs', async () => {
    const called = await createEndpoint(owner, ['visit.called', 'visit.joined']);
    const alsoCalled = await createEndpoint(owner, ['visit.called']);
    await createEndpoint(owner, ['visit.joined']);
    const disabled = await createEndpoint(owner, ['visit.called']);
    await sql.query(`UPDATE "WebhookEndpoint" SET "enabled" = false, "disabledAt" = now() WHERE "id" = $1`, [disabled.endpoint.id]);
    await createEndpoint(staff(randomUUID()), ['visit.called']);

    const happened = event(organizationId, 'visit.called', { visitId: 'v1', ticket: 'A-001' });
    const ids = await fanOutWebhookEvent(prisma(), happened);
    const rows = (await sql.query('SELECT * FROM "WebhookDelivery" WHERE "eventId" = $1 ORDER BY "id"', [happened.eventId])).rows;
    expect(rows.map((r) => r.endpointId).sort()).toEqual([called.endpoint.id, alsoCalled.endpoint.id].sort());
    expect(ids.sort()).toEqual(rows.map((r) => r.id).sort());
    expect(rows[0]).toMatchObject({ status: 'PENDING', attemptCount: 0, eventType: 'visit.called', organizationId });
    expect(rows[0].payload).toEqual({ type: 'visit.called', timestamp: happened.occurredAt, data: { visitId: 'v1', ticket: 'A-001' } });

    const again = await Promise.all([fanOutWebhookEvent(prisma(), happened), fanOutWebhookEvent(prisma(), happened)]);
    for (const answer of again) expect(answer.sort()).toEqual(ids.sort());
    expect((await sql.query('SELECT count(*)::int AS n FROM "WebhookDelivery" WHERE "eventId" = $1', [happened.eventId])).rows[0].n).toBe(2);
    expect(await fanOutWebhookEvent(prisma(), event(organizationId, 'queue.paused'))).toEqual([]);
  });

  it('retries a receiver failing three times; it accepts the event once and the log shows 3 failures and 1 success', async () => {
    const { endpoint, path, secret } = await createEndpoint(owner, ['visit.served']);
    receiver.script.set(path, [500, 500, 500]);
    const happened = event(organizationId, 'visit.served', { visitId: 'v2' });
    const [deliveryId] = await fanOutWebhookEvent(prisma(), happened);
    await sql.query('UPDATE "WebhookEndpoint" SET "consecutiveFailures" = 2 WHERE "id" = $1', [endpoint.id]);
    for (const attempt of [1, 2, 3]) {
      await expect(deliverWebhook(prisma(), options(), deliveryId, { attempt, maxAttempts: 15 })).rejects.toThrow(/HTTP 500/);
      expect((await deliveryOf(deliveryId)).status).toBe('PENDING');
    }
    await deliverWebhook(prisma(), options(), deliveryId, { attempt: 4, maxAttempts: 15 });

    const requests = receiver.at(path);
    expect(requests).toHaveLength(4);
    expect(requests.every((r) => r.verified)).toBe(true);
    expect(requests.filter((r) => r.status === 200)).toHaveLength(1);
    expect(new Set(requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([happened.eventId]));
    expect(requests[0].headers['content-type']).toBe('application/json');
    const accepted = new Webhook(secret).verify(requests[3].body, requests[3].headers as Record<string, string>);
    expect(accepted).toEqual({ type: 'visit.served', timestamp: happened.occurredAt, data: { visitId: 'v2' } });

    const delivery = await deliveryOf(deliveryId);
    expect(delivery).toMatchObject({ status: 'SUCCEEDED', attemptCount: 4, lastStatusCode: 200, lastError: null });
    expect(delivery.deliveredAt).not.toBeNull();
    expect(delivery.attempts.map((a) => [a.succeeded, a.statusCode])).toEqual([
      [false, 500],
      [false, 500],
      [false, 500],
      [true, 200],
    ]);
    expect(delivery.attempts.every((a) => a.durationMs >= 0)).toBe(true);
    expect((await prisma().webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).consecutiveFailures).toBe(0);

    // The log through the API.
    const log = await call(DELIVERIES, { e: endpoint.id }, owner);
    expect(log.data!.webhookDeliveries.nodes[0]).toMatchObject({ id: deliveryId, status: 'SUCCEEDED', attemptCount: 4, eventId: happened.eventId });
    expect(log.data!.webhookDeliveries.nodes[0].attempts.map((a: Data) => a.succeeded)).toEqual([false, false, false, true]);

    // Delivered: a job run again sends nothing.
    await deliverWebhook(prisma(), options(), deliveryId, { attempt: 5, maxAttempts: 15 });
    expect(receiver.at(path)).toHaveLength(4);
  });

  it('a tampered body, or a replay signed with an old timestamp, fails verification at the receiver', async () => {
    const { path, secret } = await createEndpoint(owner, ['visit.cancelled']);
    const [deliveryId] = await fanOutWebhookEvent(prisma(), event(organizationId, 'visit.cancelled', { visitId: 'v3' }));
    await deliverWebhook(prisma(), options(), deliveryId, { attempt: 1, maxAttempts: 15 });
    const [original] = receiver.at(path);
    expect(original.verified).toBe(true);
    const headers = {
      'content-type': 'application/json',
      'webhook-id': String(original.headers['webhook-id']),
      'webhook-timestamp': String(original.headers['webhook-timestamp']),
      'webhook-signature': String(original.headers['webhook-signature']),
    };
    expect(await receiver.replay(path, headers, original.body.replace('v3', 'v4'))).toBe(401);
    const old = new Date(Date.now() - 10 * 60_000);
    const oldSignature = new Webhook(secret).sign(headers['webhook-id'], old, original.body);
    const replayed = { ...headers, 'webhook-timestamp': String(Math.floor(old.getTime() / 1000)), 'webhook-signature': oldSignature };
    expect(await receiver.replay(path, replayed, original.body)).toBe(401);
    // The same request untouched still verifies (the refusals are about the changes).
    expect(await receiver.replay(path, headers, original.body)).toBe(200);
  });

  it('checks the address again when sending (DNS rebinding): a private one is refused and logged, nothing sent', async () => {
    const { path } = await createEndpoint(owner, ['visit.no_show']);
    const [deliveryId] = await fanOutWebhookEvent(prisma(), event(organizationId, 'visit.no_show'));
    await expect(deliverWebhook(prisma(), { ...options(), allowPrivateAddresses: false }, deliveryId, { attempt: 1, maxAttempts: 15 })).rejects.toThrow(
      /127\.0\.0\.1/,
    );
    expect(receiver.at(path)).toHaveLength(0);
    const delivery = await deliveryOf(deliveryId);
    expect(delivery.attempts).toEqual([expect.objectContaining({ succeeded: false, statusCode: null, error: expect.stringContaining('private') })]);
  });

  it('gives up on a receiver that does not answer in time, and logs it', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      const created = await call(CREATE, { input: { url: `http://127.0.0.1:${port}/slow`, eventTypes: ['visit.checked_in'] } }, owner);
      const [deliveryId] = await fanOutWebhookEvent(prisma(), event(organizationId, 'visit.checked_in'));
      await expect(deliverWebhook(prisma(), { ...options(), timeoutMs: 300 }, deliveryId, { attempt: 1, maxAttempts: 15 })).rejects.toThrow(
        /no answer within 300 ms/,
      );
      const delivery = await deliveryOf(deliveryId);
      expect(delivery.endpointId).toBe(created.data!.createWebhookEndpoint.endpoint.id);
      expect(delivery.attempts).toEqual([expect.objectContaining({ succeeded: false, statusCode: null, error: 'no answer within 300 ms' })]);
      expect(delivery.attempts[0].durationMs).toBeGreaterThanOrEqual(290);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('does not follow redirects', async () => {
    const { path } = await createEndpoint(owner, ['visit.returned']);
    receiver.script.set(path, [307]);
    const [deliveryId] = await fanOutWebhookEvent(prisma(), event(organizationId, 'visit.returned'));
    await expect(deliverWebhook(prisma(), options(), deliveryId, { attempt: 1, maxAttempts: 15 })).rejects.toThrow(/HTTP 307/);
    expect(receiver.at(path)).toHaveLength(1);
  });

  it('fails a delivery on its last attempt, disables the endpoint after repeated final failures, and enableWebhookEndpoint re-enables it', async () => {
    const { endpoint, path } = await createEndpoint(owner, ['queue.paused']);
    receiver.script.set(
      path,
      Array.from({ length: 10 }, () => 503),
    );
    const deliveries = [];
    for (let i = 0; i < 3; i += 1) deliveries.push((await fanOutWebhookEvent(prisma(), event(organizationId, 'queue.paused')))[0]);

    await expect(deliverWebhook(prisma(), options(2), deliveries[0], { attempt: 15, maxAttempts: 15 })).rejects.toThrow();
    expect((await deliveryOf(deliveries[0])).status).toBe('FAILED');
    let row = await prisma().webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(row).toMatchObject({ enabled: true, consecutiveFailures: 1 });
    // Not the last attempt: not counted against the endpoint.
    await expect(deliverWebhook(prisma(), options(2), deliveries[1], { attempt: 3, maxAttempts: 15 })).rejects.toThrow();
    expect((await prisma().webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).consecutiveFailures).toBe(1);
    await expect(deliverWebhook(prisma(), options(2), deliveries[1], { attempt: 15, maxAttempts: 15 })).rejects.toThrow();
    row = await prisma().webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(row).toMatchObject({ enabled: false, consecutiveFailures: 2 });
    expect(row.disabledReason).toMatch(/HTTP 503/);

    const listed = ((await call(LIST, {}, owner)).data!.webhookEndpoints as Data[]).find((e) => e.id === endpoint.id)!;
    expect(listed).toMatchObject({ enabled: false, disabledReason: row.disabledReason });
    expect(listed.disabledAt).toBeTruthy();
    // Disabled: nothing is sent, nothing fails.
    const sent = receiver.at(path).length;
    await deliverWebhook(prisma(), options(2), deliveries[2], { attempt: 1, maxAttempts: 15 });
    expect(receiver.at(path)).toHaveLength(sent);
    expect(await fanOutWebhookEvent(prisma(), event(organizationId, 'queue.paused'))).toEqual([]);

    const enabled = await call(ENABLE, { id: endpoint.id }, staff(organizationId, 'ADMIN'));
    expect(enabled.data!.enableWebhookEndpoint).toEqual({ id: endpoint.id, enabled: true, disabledAt: null, disabledReason: null });
    expect((await prisma().webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).consecutiveFailures).toBe(0);
    receiver.script.set(path, []);
    await deliverWebhook(prisma(), options(2), deliveries[2], { attempt: 1, maxAttempts: 15 });
    expect((await deliveryOf(deliveries[2])).status).toBe('SUCCEEDED');
  });

  it('pages through the delivery log, newest first', async () => {
    const { endpoint } = await createEndpoint(owner, ['queue.updated']);
    const made: string[] = [];
    for (let i = 0; i < 5; i += 1) made.push(...(await fanOutWebhookEvent(prisma(), event(organizationId, 'queue.updated', { n: i }))));
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page: Response = await call(DELIVERIES, { e: endpoint.id, first: 2, after }, owner);
      expect(page.errors).toBeUndefined();
      const connection = page.data!.webhookDeliveries;
      seen.push(...connection.nodes.map((n: Data) => n.id));
      expect(connection.edges.map((e: Data) => e.node.id)).toEqual(connection.nodes.map((n: Data) => n.id));
      pages += 1;
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([...made].reverse());
    expect(fieldOf(await call(DELIVERIES, { e: endpoint.id, first: 0 }, owner))).toBe('first');
    expect(fieldOf(await call(DELIVERIES, { e: endpoint.id, after: 'garbage' }, owner))).toBe('after');
  });

  it('redelivers: the delivery is PENDING again and a webhook-delivery job is added', async () => {
    const { endpoint } = await createEndpoint(owner, ['visit.transferred']);
    const [deliveryId] = await fanOutWebhookEvent(prisma(), event(organizationId, 'visit.transferred'));
    await deliverWebhook(prisma(), options(), deliveryId, { attempt: 1, maxAttempts: 15 });
    expect((await deliveryOf(deliveryId)).status).toBe('SUCCEEDED');
    added.length = 0;
    const answer = await call(REDELIVER, { id: deliveryId }, owner);
    expect(answer.data!.redeliverWebhook).toMatchObject({ id: deliveryId, status: 'PENDING' });
    expect(added).toEqual([
      { name: 'webhook-delivery', data: { deliveryId }, options: { jobId: expect.stringMatching(new RegExp(`^webhook-delivery:${deliveryId}:`)) } },
    ]);
    // The job then sends it again with the same webhook-id.
    await deliverWebhook(prisma(), options(), deliveryId, { attempt: 1, maxAttempts: 15 });
    const delivery = await deliveryOf(deliveryId);
    expect(delivery).toMatchObject({ status: 'SUCCEEDED', attemptCount: 2 });
    expect(delivery.endpointId).toBe(endpoint.id);
  });

  it('sends a signed test event to an endpoint whatever it subscribes to, and refuses a disabled one', async () => {
    const { endpoint, path, secret } = await createEndpoint(owner, ['queue.opened']);
    added.length = 0;
    const answer = await call(SEND_TEST, { e: endpoint.id }, owner);
    const delivery = answer.data!.sendTestWebhook as { id: string; eventId: string };
    expect(answer.data!.sendTestWebhook).toMatchObject({ eventType: 'webhook.test', status: 'PENDING', eventId: expect.stringMatching(/^evt_test_/) });
    expect(added).toEqual([{ name: 'webhook-delivery', data: { deliveryId: delivery.id }, options: { jobId: `webhook-delivery:${delivery.id}` } }]);
    await deliverWebhook(prisma(), options(), delivery.id, { attempt: 1, maxAttempts: 15 });
    const [request] = receiver.at(path);
    expect(new Webhook(secret).verify(request.body, request.headers as Record<string, string>)).toMatchObject({
      type: 'webhook.test',
      data: { endpointId: endpoint.id },
    });
    await sql.query('UPDATE "WebhookEndpoint" SET "enabled" = false WHERE "id" = $1', [endpoint.id]);
    expect(codeOf(await call(SEND_TEST, { e: endpoint.id }, owner))).toBe('CONFLICT');
  });
});
