import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import WebSocket from 'ws';
import {
  createTenant,
  createTestDatabase,
  freePort,
  graphEnv,
  rateLimitsOff,
  startGraph,
  type RunningGraph,
  type RunningService,
  type Tenant,
  type TestDatabase,
} from '@waitlessq/testkit';

// deploy/nginx/nginx.conf, run by Debian's nginx exactly as Compose runs it (only the upstream
// addresses, the listen address and /var/cache/nginx rewritten), in front of two gateway
// processes over the same subgraphs. One gateway is SIGKILLed under a steady load of queries,
// mutations and subscriptions (issue 13, "A load balancer"): no query fails, a mutation
// succeeds or fails with a clean error and is never applied twice, and the subscriptions
// reconnect through the other gateway and resume with afterSequence without losing an event.

jest.setTimeout(120_000);

const confFile = path.resolve(__dirname, '../deploy/nginx/nginx.conf');

interface RunningNginx {
  baseUrl: string;
  output(): string;
  stop(): Promise<void>;
}

/** The configuration file with this run's ports and directory; fails when a rewritten line is gone from the file. */
async function renderNginxConf(listenPort: number, upstreamPorts: [number, number], dir: string): Promise<string> {
  let conf = await readFile(confFile, 'utf8');
  const rewrite = (from: string, to: string) => {
    if (!conf.includes(from)) throw new Error(`deploy/nginx/nginx.conf no longer contains "${from}": update the test's rendering`);
    conf = conf.split(from).join(to);
  };
  rewrite('server gateway:4000 ', `server 127.0.0.1:${upstreamPorts[0]} `);
  rewrite('server gateway-2:4000 ', `server 127.0.0.1:${upstreamPorts[1]} `);
  rewrite('listen 8080;', `listen 127.0.0.1:${listenPort};`);
  rewrite('/var/cache/nginx/', `${dir}/cache/`);
  return conf;
}

async function startNginx(upstreamPorts: [number, number]): Promise<RunningNginx> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wlq-nginx-'));
  await mkdir(path.join(dir, 'cache'));
  const port = await freePort();
  const conf = path.join(dir, 'nginx.conf');
  await writeFile(conf, await renderNginxConf(port, upstreamPorts, dir));
  // As root (CI), the workers would run as nobody, who cannot write this private directory.
  const globals = `daemon off; pid ${dir}/nginx.pid;${process.getuid?.() === 0 ? ' user root;' : ''}`;
  const child: ChildProcess = spawn('/usr/sbin/nginx', ['-c', conf, '-p', `${dir}/`, '-g', globals], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr?.on('data', (chunk) => (output += chunk));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}:\n${output}`);
    const healthy = await fetch(`${baseUrl}/nginx-health`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not answer:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    baseUrl,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** One HTTP request; `localAddress` picks the client's loopback address (127.0.0.2: not nginx's own). */
function request(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; agent?: http.Agent; localAddress?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: options.method ?? 'GET',
        agent: options.agent,
        localAddress: options.localAddress,
        headers: {
          ...(options.body ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(options.body)) } : {}),
          ...options.headers,
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (text += chunk));
        response.once('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text }));
        response.once('error', reject);
      },
    );
    req.once('error', reject);
    req.end(options.body);
  });
}

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

function parse(answer: Answer): GraphQLBody | undefined {
  try {
    return JSON.parse(answer.text) as GraphQLBody;
  } catch {
    return undefined;
  }
}

const JOIN = `mutation($input: JoinQueueInput!) { joinQueue(input: $input) { visit { id } } }`;
const QUEUE = `query($id: ID!) { queue(id: $id) { id waitingCount } }`;
const QUEUE_UPDATED = `subscription($queueId: ID!, $afterSequence: Int) { queueUpdated(queueId: $queueId, afterSequence: $afterSequence) { sequence change } }`;

const socketsPerAddress = 20;

let db: TestDatabase;
let sql: Client;
let graph: RunningGraph;
let gatewayB: RunningService;
let tenant: Tenant;
let nginx: RunningNginx;
/** A published app file (the cache test's), served from nginx's cache at the end. */
let appFile: string;

beforeAll(async () => {
  db = await createTestDatabase();
  sql = new Client({ connectionString: db.url });
  await sql.connect();
  // The gateways trust the proxy on loopback, as Compose's trust the one in front of them.
  // WebSocket connections per address are limited (checked below); the followers of the kill
  // test connect from 127.0.0.1, the address test from 127.0.0.3 and 127.0.0.4.
  graph = await startGraph(graphEnv(db, { ...rateLimitsOff, TRUST_PROXY: 'loopback', SUBSCRIPTIONS_CONNECTIONS_PER_ADDRESS: String(socketsPerAddress) }));
  gatewayB = await graph.startGateway();
  tenant = await createTenant(graph.gateway.url, 'Balanced');
  nginx = await startNginx([Number(new URL(graph.gateway.baseUrl).port), Number(new URL(gatewayB.baseUrl).port)]);
}, 120_000);

afterAll(async () => {
  await nginx?.stop();
  await graph?.stop();
  await sql?.end();
  await db?.drop();
}, 30_000);

const join = (base: string, name: string, key: string, extra: { headers?: Record<string, string>; agent?: http.Agent; localAddress?: string } = {}) =>
  request(`${base}/graphql`, {
    method: 'POST',
    agent: extra.agent,
    localAddress: extra.localAddress,
    headers: { 'user-agent': 'load-balancer-e2e', ...extra.headers },
    body: JSON.stringify({ query: JOIN, variables: { input: { queueId: tenant.queueId, serviceId: tenant.serviceId, name, idempotencyKey: key } } }),
  });

const visitIdOf = (answer: Answer) => (parse(answer)?.data?.joinQueue as { visit: { id: string } } | undefined)?.visit.id;

describe('nginx in front of two gateways', () => {
  it("passes the address nginx sees as the client's, never one the client claims", async () => {
    // An anonymous idempotency key belongs to the client's address and user agent (the
    // gateway's req.ip, per TRUST_PROXY): the same key replays only for the same address.
    const claimed = { 'x-forwarded-for': '198.51.100.7', 'x-real-ip': '198.51.100.7' };
    const viaNginx = await join(nginx.baseUrl, 'Addressed', 'lb-address', { headers: claimed, localAddress: '127.0.0.2' });
    const visitId = visitIdOf(viaNginx);
    expect(visitId).toBeDefined();
    const asFrom = async (address: string) => parse(await join(gatewayB.baseUrl, 'Addressed', 'lb-address', { headers: { 'x-forwarded-for': address } }));
    expect((await asFrom('127.0.0.2'))?.data).toEqual({ joinQueue: { visit: { id: visitId } } });
    expect((await asFrom('198.51.100.7'))?.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // nginx's own address (it connects to the gateways from 127.0.0.1) is not the client's either.
    expect((await asFrom('127.0.0.1'))?.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it("passes it on WebSocket connections too: their per-address budget is the client's", async () => {
    const wsUrl = `${nginx.baseUrl.replace(/^http/, 'ws')}/graphql`;
    const admitted = (localAddress: string) =>
      new Promise<boolean>((resolve, reject) => {
        const socket = new WebSocket(wsUrl, 'graphql-transport-ws', { localAddress, headers: { 'x-forwarded-for': '198.51.100.8' } });
        socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} })));
        socket.on('message', (data) => {
          if ((JSON.parse(String(data)) as { type: string }).type !== 'connection_ack') return;
          socket.close();
          resolve(true);
        });
        socket.once('close', (code) => (code === 4429 ? resolve(false) : undefined));
        socket.once('error', reject);
      });
    for (let i = 0; i < socketsPerAddress; i++) expect(await admitted('127.0.0.3')).toBe(true);
    expect(await admitted('127.0.0.3')).toBe(false);
    // Another client (not nginx's one address, not the address claimed) has its own budget.
    expect(await admitted('127.0.0.4')).toBe(true);
  });

  it("caches the app's versioned files (the CDN stand-in), not the ones revalidated on every load", async () => {
    const owner = { authorization: `Bearer ${tenant.staff.OWNER.accessToken}` };
    const published = parse(
      await request(`${nginx.baseUrl}/graphql`, {
        method: 'POST',
        headers: owner,
        body: JSON.stringify({ query: `mutation($b: ID!) { publishPwa(businessId: $b) { version } }`, variables: { b: tenant.businessId } }),
      }),
    );
    const version = (published?.data?.publishPwa as { version: number } | undefined)?.version;
    expect(version).toBeGreaterThan(0);
    const file = (appFile = `${nginx.baseUrl}/apps/${tenant.businessId}/v/${version}/index.html`);
    const first = await request(file);
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toContain('immutable');
    expect(first.headers['x-cache-status']).toBe('MISS');
    const second = await request(file);
    expect(second.headers['x-cache-status']).toBe('HIT');
    expect(second.text).toBe(first.text);
    expect(second.headers['content-security-policy']).toBe(first.headers['content-security-policy']);

    const latest = `${nginx.baseUrl}/apps/${tenant.businessId}/latest/index.html`;
    expect((await request(latest)).headers['cache-control']).toBe('no-cache');
    expect((await request(latest)).headers['x-cache-status']).toBe('MISS');
  });

  it('SIGKILL of a gateway under load: no query fails, no mutation is applied twice, subscriptions resume on the other', async () => {
    const queueId = tenant.queueId;
    const sequenceNow = async () => (await sql.query<{ s: number }>(`SELECT "lastEventSequence" AS s FROM "Queue" WHERE id = $1`, [queueId])).rows[0].s;
    const start = await sequenceNow();
    const wsUrl = `${nginx.baseUrl.replace(/^http/, 'ws')}/graphql`;
    const followers = Array.from({ length: 6 }, () => follow(wsUrl, tenant.staff.VIEWER.accessToken, queueId, start));
    await Promise.all(followers.map((f) => f.subscribed));

    let stopping = false;
    const queries = { answered: 0, failed: [] as string[] };
    const mutations = { applied: new Map<string, string>(), cleanErrors: [] as string[], unclean: [] as string[], sent: [] as string[] };
    const queryAgent = new http.Agent({ keepAlive: true });
    const mutationAgent = new http.Agent({ keepAlive: true });
    const staff = { authorization: `Bearer ${tenant.staff.STAFF.accessToken}`, 'apollo-require-preflight': 'true' };
    const queryUrl = `${nginx.baseUrl}/graphql?query=${encodeURIComponent(QUEUE)}&variables=${encodeURIComponent(JSON.stringify({ id: queueId }))}`;

    // Queries as GET (the retryable way to send them: nginx retries a GET on the other gateway).
    const queryLoops = Array.from({ length: 4 }, async () => {
      while (!stopping) {
        try {
          const answer = await request(queryUrl, { headers: staff, agent: queryAgent });
          const body = parse(answer);
          if (answer.status === 200 && (body?.data?.queue as { id?: string } | undefined)?.id === queueId && !body?.errors) queries.answered += 1;
          else queries.failed.push(`${answer.status} ${answer.text.slice(0, 200)}`);
        } catch (error) {
          queries.failed.push(String(error));
        }
      }
    });
    // Joins, each with its own idempotency key; every other one also sends it as the
    // Idempotency-Key header, which lets nginx retry it on the other gateway.
    let next = 0;
    const mutationLoops = Array.from({ length: 2 }, async () => {
      while (!stopping) {
        const i = next++;
        const key = `lb-load-${i}`;
        mutations.sent.push(key);
        try {
          const answer = await join(nginx.baseUrl, `Load ${i}`, key, { agent: mutationAgent, headers: i % 2 === 0 ? { 'idempotency-key': key } : {} });
          const body = parse(answer);
          const id = visitIdOf(answer);
          if (answer.status === 200 && id) mutations.applied.set(key, id);
          else if (body?.errors?.[0]?.extensions?.code) mutations.cleanErrors.push(`${key}: ${answer.status} ${body.errors[0].extensions.code}`);
          else mutations.unclean.push(`${key}: ${answer.status} ${answer.text.slice(0, 200)}`);
        } catch (error) {
          mutations.unclean.push(`${key}: ${String(error)}`);
        }
      }
    });

    const until = async (condition: () => boolean, what: string, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!condition()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await until(() => queries.answered >= 40 && mutations.applied.size >= 6, 'the load to run through both gateways');
    const before = { queries: queries.answered, mutations: mutations.applied.size };
    graph.gateway.process.kill('SIGKILL');
    await until(
      () => queries.answered >= before.queries + 80 && mutations.applied.size >= before.mutations + 12,
      'the load to go on through the other gateway',
    );
    stopping = true;
    await Promise.all([...queryLoops, ...mutationLoops]);
    queryAgent.destroy();
    mutationAgent.destroy();

    expect(queries.failed).toEqual([]);
    expect(mutations.unclean).toEqual([]);

    // A client retries a mutation that failed with the same key: it is applied once, or its first answer replayed.
    for (const key of mutations.sent.filter((k) => !mutations.applied.has(k))) {
      const answer = await join(nginx.baseUrl, `Load ${key.slice('lb-load-'.length)}`, key);
      expect(answer.status).toBe(200);
      mutations.applied.set(key, visitIdOf(answer)!);
    }
    const rows = await sql.query<{ id: string; customerName: string; idempotencyKey: string }>(
      `SELECT id, "customerName", "idempotencyKey" FROM "Visit" WHERE "queueId" = $1 AND "customerName" LIKE 'Load %'`,
      [queueId],
    );
    // Exactly one visit per mutation sent, the one its answer named.
    expect(rows.rows.length).toBe(mutations.sent.length);
    expect(new Map(rows.rows.map((row) => [row.idempotencyKey, row.id]))).toEqual(mutations.applied);

    // One event per visit; every follower has each exactly once, in order, across its reconnection.
    const end = await sequenceNow();
    expect(end - start).toBe(mutations.sent.length);
    await until(() => followers.every((f) => f.sequences.length >= end - start), 'every follower to catch up', 20_000);
    const expected = Array.from({ length: end - start }, (_, i) => start + 1 + i);
    for (const follower of followers) expect(follower.sequences).toEqual(expected);
    expect(followers.some((f) => f.reconnections > 0)).toBe(true);
    for (const follower of followers) follower.stop();

    // nginx did meet the dead gateway (and answered from the other): refused connections, and
    // requests it had sent when the gateway died.
    const killedPort = new URL(graph.gateway.baseUrl).port;
    const logLines = nginx
      .output()
      .split('\n')
      .filter((line) => line.includes(`127.0.0.1:${killedPort}`));
    const refusedLines = logLines.filter((line) => line.includes('Connection refused')).length;
    const inFlightLines = logLines.filter((line) => /prematurely closed|Connection reset/.test(line)).length;
    expect(refusedLines + inFlightLines).toBeGreaterThan(0);
    console.info(
      `load balancer: ${queries.answered} queries, ${mutations.sent.length} mutations (${mutations.cleanErrors.length} clean errors: ${mutations.cleanErrors.join(', ') || 'none'}), ` +
        `${followers.filter((f) => f.reconnections > 0).length}/${followers.length} subscriptions reconnected; nginx: ${refusedLines} refused connections, ` +
        `${inFlightLines} requests in flight on the killed gateway`,
    );
  });

  it('with no gateway left: a clean GraphQL error for the API, and the cached app files still served', async () => {
    const file = appFile;
    expect((await request(file)).status).toBe(200);
    gatewayB.process.kill('SIGKILL');
    await new Promise((resolve) => gatewayB.process.once('exit', resolve));
    const api = await request(`${nginx.baseUrl}/graphql`, { method: 'POST', body: JSON.stringify({ query: '{ __typename }' }) });
    expect(api.status).toBe(502);
    expect(parse(api)?.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    const cached = await request(file);
    expect(cached.status).toBe(200);
    expect(cached.headers['x-cache-status']).toBe('HIT');
  });
});

interface Follower {
  /** Resolves once the first subscription has been sent. */
  subscribed: Promise<void>;
  /** Every sequence received, in order, across reconnections. */
  sequences: number[];
  reconnections: number;
  stop(): void;
}

/**
 * A subscriber as the app is one: on a dropped connection it reconnects (here, through nginx)
 * and resumes after the last sequence it has.
 */
function follow(url: string, token: string, queueId: string, afterSequence: number): Follower {
  const follower = { sequences: [] as number[], reconnections: -1, stopped: false, socket: undefined as WebSocket | undefined };
  let subscribed!: () => void;
  const first = new Promise<void>((resolve) => (subscribed = resolve));
  const connect = () => {
    if (follower.stopped) return;
    follower.reconnections += 1;
    const socket = new WebSocket(url, 'graphql-transport-ws');
    follower.socket = socket;
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; payload?: { data?: { queueUpdated?: { sequence: number } } } };
      if (message.type === 'connection_ack') {
        const last = follower.sequences.at(-1) ?? afterSequence;
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: QUEUE_UPDATED, variables: { queueId, afterSequence: last } } }));
        subscribed();
      } else if (message.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
      else if (message.type === 'next' && message.payload?.data?.queueUpdated) follower.sequences.push(message.payload.data.queueUpdated.sequence);
    });
    socket.on('error', () => {});
    socket.on('close', () => setTimeout(connect, 100));
  };
  connect();
  return {
    subscribed: first,
    sequences: follower.sequences,
    get reconnections() {
      return follower.reconnections;
    },
    stop() {
      follower.stopped = true;
      follower.socket?.close();
    },
  };
}
