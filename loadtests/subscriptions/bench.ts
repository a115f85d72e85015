/**
 * Live updates under load: subscribers of one queue at 100, 1,000 and 5,000, then 5,000
 * spread over 100 queues, then 1,000 whose payload asks for other subgraphs' fields, then
 * 1,000 display screens sharing one partner key and document (one execution per event), then
 * 10,000 over 10 queues of 1,000 spread over two gateway processes (each event reaches its
 * queue's 1,000, half on each gateway, while all 10,000 stay subscribed). Each
 * subscriber is a visit's token holder on a WebSocket of its own (all in this process), on a
 * gateway process in front of the four subgraph processes (testkit's startGraph), on a fresh
 * database. Staff call the next visit a fixed number of times; each call moves every waiting
 * subscriber up, so each event reaches every subscriber still waiting.
 *
 *   npm run build && npx tsx loadtests/subscriptions/bench.ts [--quick] [--only <name part>] [--keep-database]
 *
 * Measures, per scenario: delivery latency from the change's commit (the called visit's
 * calledAt, stamped by callNext just before it commits) to receipt by each subscriber; the
 * callNext mutation's own latency; database statements per change (the queue subgraph's
 * statement counter below Prisma, wlq_db_statements_total: BEGIN and COMMIT included);
 * gateway payload executions per event; at 5,000, gateway memory per idle connection; and the
 * machine's load (loadtests/machine.ts: a scenario is busy when processes outside it took CPU). Needs PostgreSQL
 * on 127.0.0.1:5432 and Redis on 6379, like the integration tests. Targets 127.0.0.1 only.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, graphEnv, graphqlOk, startGraph, testSecrets, type RunningGraph } from '@waitlessq/testkit';
import { seedOrganization } from '../stack/seed';
import { describeMachine, watched, type MachineLoad } from '../machine';
import { cpuSecondsOfCommand, residentBytes } from '../processes';
import { metricsText, scrape, sumOf, waitUntil } from '../scrape';
import { summarize, type Summary } from '../stats';
import { closeAll, openConnections, subscribe, type BenchSocket } from './clients';
import { seedWaitingVisits } from './seed';

interface Scenario {
  name: string;
  queues: number;
  perQueue: number;
  federated: boolean;
  /** Display screens of one partner key on the first queue, all with the same document and variables, instead of visit subscribers. */
  screens?: number;
  mutations: number;
  measureMemory?: boolean;
  /** Gateway processes the subscribers are spread over (1 unless said): a second one is started on first use. */
  gateways?: number;
}

const full: Scenario[] = [
  { name: '100 on one queue', queues: 1, perQueue: 100, federated: false, mutations: 10 },
  { name: '1,000 on one queue', queues: 1, perQueue: 1_000, federated: false, mutations: 10 },
  { name: '5,000 on one queue', queues: 1, perQueue: 5_000, federated: false, mutations: 5, measureMemory: true },
  { name: '5,000 over 100 queues', queues: 100, perQueue: 50, federated: false, mutations: 10 },
  { name: '1,000 on one queue, federated fields', queues: 1, perQueue: 1_000, federated: true, mutations: 10 },
  { name: '1,000 display screens of one partner key', queues: 1, perQueue: 50, screens: 1_000, federated: false, mutations: 10 },
  { name: '10,000 over 10 queues on two gateways', queues: 10, perQueue: 1_000, federated: false, mutations: 10, gateways: 2 },
];
const quick: Scenario[] = [
  { name: '100 on one queue', queues: 1, perQueue: 100, federated: false, mutations: 5, measureMemory: true },
  { name: '500 over 10 queues', queues: 10, perQueue: 50, federated: false, mutations: 5 },
  { name: '200 on one queue, federated fields', queues: 1, perQueue: 200, federated: true, mutations: 5 },
  { name: '100 display screens of one partner key', queues: 1, perQueue: 20, screens: 100, federated: false, mutations: 5 },
];

// What a customer's app asks for: its own place in line, all answered by the queue subgraph.
const LOCAL = `subscription($id: ID!, $token: String) {
  visitUpdated(visitId: $id, visitToken: $token) { sequence change reasons at visit { status position estimatedWaitMinutes } }
}`;
// The same with fields of the business subgraph (entity fetches through the query plan).
const FEDERATED = `subscription($id: ID!, $token: String) {
  visitUpdated(visitId: $id, visitToken: $token) {
    sequence change reasons at
    visit { status position estimatedWaitMinutes service { name durationMinutes } queue { name business { name timezone } } }
  }
}`;
// What a waiting-room screen runs: a partner key may run only trusted documents, by their id.
const DISPLAY_ID = (
  JSON.parse(readFileSync(path.resolve(__dirname, '../../schema/operations/manifest.json'), 'utf8')) as { operations: { id: string; name: string }[] }
).operations.find((operation) => operation.name === 'DisplayQueueUpdated')!.id;
const CALL_NEXT = `mutation CallNext($queueId: ID!) { callNext(queueId: $queueId) { id calledAt } }`;

const { VISIT_TOKEN_SECRET: visitTokenSecret } = testSecrets;
const eventTimeoutMs = 60_000;

interface ScenarioResult {
  scenario: string;
  subscribers: number;
  queues: number;
  events: number;
  deliveries: number;
  missing: number;
  deliveryMs: Summary;
  /** From the commit to the last subscriber of the event. */
  fanOutMs: Summary;
  /** From the commit to the event's record in the log (the queue subgraph's share). */
  publishMs: Summary;
  mutationMs: Summary;
  statementsPerChange: number;
  /** The subscribe's authorization reads (queue subgraph). */
  statementsPerSubscribe: number;
  executionsPerEvent: number;
  /** Requests the gateways sent the queue subgraph for payloads (SubscriptionEvent.payloads through _entities), per event. */
  payloadRequestsPerEvent: number;
  otherSubgraphRequestsPerEvent: number;
  /** The queue subgraph's own measure of a payload request (SubscriptionEvent.payloads through _entities), mean. */
  payloadRequestMs: number;
  /** The gateway's own measure, mean per event: from the log to the gateway, and handing the event to every subscriber. */
  gatewayLagMs: number;
  gatewayFanOutMs: number;
  /**
   * CPU per delivered event while the changes ran (process_cpu_seconds_total, the mutations'
   * own share and one /metrics scrape included): the gateway's, and the queue subgraph's
   * (which resolves the payloads through _entities).
   */
  gatewayCpuMicrosPerDelivery: number;
  /**
   * The gateway's share in the kernel (system time): mostly the socket writes, one per delivery,
   * which over loopback also run the receiving side's TCP stack in the writer's time.
   */
  gatewaySystemCpuMicrosPerDelivery: number;
  queueCpuMicrosPerDelivery: number;
  /**
   * CPU per event of everything an event makes work, in ms, over the same span: the gateways,
   * the queue subgraph, PostgreSQL and Redis (every process of theirs on the machine), and this
   * process, where the subscribers' sockets receive and parse their messages. The machine cannot
   * have delivered an event to its last subscriber before `total / cores` ms.
   */
  machineCpuMsPerEvent: { gateways: number; queue: number; postgres: number; redis: number; subscribers: number; total: number };
  subscribeSeconds: number;
  memory?: { rssPerConnectionKiB: number; rssPerSubscriptionKiB: number; heapPerConnectionKiB: number; heapPerSubscriptionKiB: number };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined;
  const listed = argv.includes('--quick') ? quick : full;
  // A whole name picks that scenario alone; a part of names, every scenario it is part of.
  const scenarios = listed.filter((s) => !only || s.name === only || (!listed.some((other) => other.name === only) && s.name.includes(only)));
  const db = await createTestDatabase();
  const graph = await startGraph(
    graphEnv(db, {
      REDIS_KEY_PREFIX: `bench:${db.name}:`,
      // As deployed: production mode (graphql-js skips its development checks).
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_ADDRESS: '0',
      RATE_LIMIT_PER_USER: '0',
      // Thousands of sockets from this one address and one partner key: the socket budgets are about abuse, not this.
      SUBSCRIPTIONS_CONNECTIONS_PER_ADDRESS: '0',
      SUBSCRIPTIONS_CONNECTIONS_PER_CREDENTIAL: '0',
    }),
  );
  const results: (ScenarioResult & { machine: MachineLoad })[] = [];
  try {
    const tenant = await benchTenant(graph.gateway.url);
    for (const scenario of scenarios) {
      process.stdout.write(`\n${scenario.name}: `);
      const { result, machine } = await watched(() => run(graph, db.url, tenant, scenario));
      results.push({ ...result, machine });
      printResult(result);
      process.stdout.write(`  ${describeMachine(machine)}\n`);
    }
  } finally {
    await graph.stop();
    // --keep-database leaves it for a look at the statements (EXPLAIN) after the run.
    if (argv.includes('--keep-database')) process.stdout.write(`\nkept database ${db.name}\n`);
    else await db.drop();
  }
  const file = path.join(__dirname, 'results.json');
  writeFileSync(file, JSON.stringify({ host: host(), at: new Date().toISOString(), results }, null, 2) + '\n');
  process.stdout.write(`\nwrote ${path.relative(process.cwd(), file)}\n`);
}

/** The owner's organization, set up through the API as in production (testkit's createTenant needs invitation tokens, which production never shows). */
interface BenchTenant {
  ownerToken: string;
  organizationId: string;
  businessId: string;
  serviceId: string;
  apiKey: string;
}

async function benchTenant(api: string): Promise<BenchTenant> {
  const organization = await seedOrganization(api, { queues: 0, perQueue: 0 });
  const claims = JSON.parse(Buffer.from(organization.ownerToken.split('.')[1], 'base64url').toString('utf8')) as { org: string };
  return {
    ownerToken: organization.ownerToken,
    organizationId: claims.org,
    businessId: organization.businessId,
    serviceId: organization.serviceIds[0],
    apiKey: organization.apiKey,
  };
}

async function run(graph: RunningGraph, databaseUrl: string, tenant: BenchTenant, scenario: Scenario): Promise<ScenarioResult> {
  const gateway = graph.gateway;
  const gateways = [gateway, ...(scenario.gateways === 2 ? [await secondGateway(graph)] : [])];
  /** A gateway metric summed over the gateways the subscribers are on. */
  const scrapeGateways = async (name: string) => (await Promise.all(gateways.map((one) => scrape(one.baseUrl, name)))).reduce((a, b) => a + b, 0);
  const owner = tenant.ownerToken;
  const queues: { id: string; visits: { id: string; token: string }[] }[] = [];
  for (let q = 0; q < scenario.queues; q++) {
    const { createQueue } = await graphqlOk<{ createQueue: { id: string } }>(gateway.url, {
      token: owner,
      query: `mutation($input: CreateQueueInput!) { createQueue(input: $input) { id } }`,
      variables: { input: { businessId: tenant.businessId, name: `Bench ${scenario.name} ${q}` } },
    });
    const queue = { id: createQueue.id, organizationId: tenant.organizationId, businessId: tenant.businessId, serviceId: tenant.serviceId };
    queues.push({ id: queue.id, visits: await seedWaitingVisits(databaseUrl, visitTokenSecret, queue, scenario.perQueue) });
  }
  const subscribers = scenario.screens ?? scenario.queues * scenario.perQueue;
  process.stdout.write(`seeded ${scenario.queues * scenario.perQueue} visits; `);

  const gatewayPid = gateway.process.pid!;
  const settle = () => new Promise((resolve) => setTimeout(resolve, 2_000));
  const memoryNow = async () => ({ rss: residentBytes(gatewayPid), heap: await scrape(gateway.baseUrl, 'nodejs_heap_size_used_bytes') });
  if (scenario.measureMemory) await settle();
  const memoryBefore = scenario.measureMemory ? await memoryNow() : undefined;

  // Spread evenly: the i-th subscriber on gateway i mod n.
  const perGateway = await Promise.all(
    gateways.map((one, g) =>
      openConnections(
        one.url,
        Math.floor(subscribers / gateways.length) + (g < subscribers % gateways.length ? 1 : 0),
        scenario.screens ? { 'x-api-key': tenant.apiKey } : {},
      ),
    ),
  );
  const sockets = Array.from({ length: subscribers }, (_, i) => perGateway[i % gateways.length][Math.floor(i / gateways.length)]);
  if (scenario.measureMemory) await settle();
  const memoryConnected = scenario.measureMemory ? await memoryNow() : undefined;

  // Deliveries by queue and sequence: when each arrived, and the event's own time.
  const arrivals = new Map<string, number[]>();
  const eventTimes = new Map<string, number>();
  const subscribedBefore = await scrapeGateways('wlq_subscriptions_active');
  // The gateway asks the queue subgraph's subscriptionAccess field (one operation for both fields).
  const authorized = () => scrape(graph.subgraphs.queue.baseUrl, 'wlq_graphql_requests_total', 'operation="SubscriptionAccess"');
  const authorizedBefore = await authorized();
  const statementsBeforeSubscribing = await scrape(graph.subgraphs.queue.baseUrl, 'wlq_db_statements_total');
  const subscribeStart = Date.now();
  let index = 0;
  const subscriptions = scenario.screens
    ? Array.from({ length: scenario.screens }, () => ({ q: 0, query: '', variables: { queueId: queues[0].id }, persistedId: DISPLAY_ID }))
    : queues.flatMap((queue, q) =>
        queue.visits.map((visit) => ({
          q,
          query: scenario.federated ? FEDERATED : LOCAL,
          variables: { id: visit.id, token: visit.token },
          persistedId: undefined,
        })),
      );
  // One authorization call per distinct question: each visit's own, one for all the screens of a key (the gateway caches it).
  const questions = scenario.screens ? 1 : subscribers;
  for (const { q, query, variables, persistedId } of subscriptions) {
    const socket: BenchSocket = sockets[index++];
    socket.onNext = (payload, receivedAt) => {
      const update = Object.values(payload.data ?? {})[0] as { sequence: number; at: string } | undefined;
      if (!update) return void socket.errors.push(payload.errors);
      const key = `${q}:${update.sequence}`;
      (arrivals.get(key) ?? arrivals.set(key, []).get(key)!).push(receivedAt);
      if (!eventTimes.has(key)) eventTimes.set(key, Date.parse(update.at));
    };
    subscribe(socket, '1', query, variables, persistedId);
    // Subscribing costs an authorization query each: keep a few hundred in flight. Counted
    // on the queue subgraph: scraping the gateway's /metrics with thousands of sockets open
    // costs it more than what is measured (prom-client lists every handle).
    if (index % 250 === 0) await waitUntil(async () => (await authorized()) >= authorizedBefore + Math.min(index, questions), 60_000, `${index} subscriptions`);
  }
  await waitUntil(async () => (await authorized()) >= authorizedBefore + questions, 60_000, 'every authorization');
  await waitUntil(
    async () => {
      // A refused subscribe will never count: say why at once.
      const refused = sockets.find((socket) => socket.errors.length > 0);
      if (refused) throw new Error(`a subscribe was refused: ${JSON.stringify(refused.errors[0])}`);
      return (await scrapeGateways('wlq_subscriptions_active')) >= subscribedBefore + subscribers;
    },
    180_000,
    'every subscription',
    500,
  );
  const subscribeSeconds = (Date.now() - subscribeStart) / 1000;
  if (scenario.measureMemory) await settle();
  const memorySubscribed = scenario.measureMemory ? await memoryNow() : undefined;
  process.stdout.write(`${subscribers} subscribed in ${subscribeSeconds.toFixed(1)} s; `);

  // Each service's /metrics read once per snapshot: a gateway's costs it CPU with thousands of sockets open.
  const counters = async () => {
    const gatewayTexts = await Promise.all(gateways.map((one) => metricsText(one.baseUrl)));
    const gatewaySum = (name: string) => gatewayTexts.reduce((total, text) => total + sumOf(text, name), 0);
    const [queue, business, user] = await Promise.all(
      [graph.subgraphs.queue, graph.subgraphs.business, graph.subgraphs.user].map((one) => metricsText(one.baseUrl)),
    );
    return {
      statements: sumOf(queue, 'wlq_db_statements_total'),
      payloadRequests: sumOf(queue, 'wlq_graphql_requests_total', 'operation="SubscriptionPayloads"'),
      payloadSeconds: sumOf(queue, 'wlq_graphql_duration_seconds_sum', 'operation="SubscriptionPayloads"'),
      executions: gatewaySum('wlq_subscription_executions_total'),
      otherRequests: sumOf(business, 'wlq_graphql_requests_total') + sumOf(user, 'wlq_graphql_requests_total'),
      fanOutSeconds: gatewaySum('wlq_subscription_event_fanout_seconds_sum'),
      lagSeconds: gatewaySum('wlq_subscription_event_lag_seconds_sum'),
      gatewayEvents: gatewaySum('wlq_subscription_event_fanout_seconds_count'),
      gatewayCpuSeconds: gatewaySum('process_cpu_seconds_total'),
      gatewaySystemCpuSeconds: gatewaySum('process_cpu_system_seconds_total'),
      queueCpuSeconds: sumOf(queue, 'process_cpu_seconds_total'),
      postgresCpuSeconds: cpuSecondsOfCommand('postgres'),
      redisCpuSeconds: cpuSecondsOfCommand('redis-server'),
      ownCpuSeconds: ownCpuSeconds(),
    };
  };
  const before = await counters();

  const deliveryMs: number[] = [];
  const fanOutMs: number[] = [];
  const publishMs: number[] = [];
  const mutationMs: number[] = [];
  let missing = 0;
  let deliveries = 0;
  for (let m = 0; m < scenario.mutations; m++) {
    const q = m % scenario.queues;
    const sequence = Math.floor(m / scenario.queues) + 1;
    const expected = scenario.screens ?? scenario.perQueue - (sequence - 1);
    const started = performance.timeOrigin + performance.now();
    const { callNext } = await graphqlOk<{ callNext: { calledAt: string } }>(gateway.url, {
      token: tenant.ownerToken,
      query: CALL_NEXT,
      variables: { queueId: queues[q].id },
    });
    mutationMs.push(performance.timeOrigin + performance.now() - started);
    const committedAt = Date.parse(callNext.calledAt);
    const key = `${q}:${sequence}`;
    await waitUntil(() => (arrivals.get(key)?.length ?? 0) >= expected, eventTimeoutMs, `event ${key}`).catch(() => undefined);
    const arrived = arrivals.get(key) ?? [];
    missing += Math.max(0, expected - arrived.length);
    deliveries += arrived.length;
    for (const at of arrived) deliveryMs.push(at - committedAt);
    if (arrived.length > 0) fanOutMs.push(Math.max(...arrived) - committedAt);
    if (eventTimes.has(key)) publishMs.push(eventTimes.get(key)! - committedAt);
    process.stdout.write('.');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const after = await counters();
  await closeAll(sockets);
  await waitUntil(async () => (await scrapeGateways('wlq_subscriptions_active')) <= subscribedBefore, 60_000, 'subscriptions to end', 500);

  const events = scenario.mutations;
  const perKiB = (a: number, b: number) => Math.round((b - a) / subscribers / 102.4) / 10;
  return {
    scenario: scenario.name,
    subscribers,
    queues: scenario.queues,
    events,
    deliveries,
    missing,
    deliveryMs: summarize(deliveryMs),
    fanOutMs: summarize(fanOutMs),
    publishMs: summarize(publishMs),
    mutationMs: summarize(mutationMs),
    statementsPerChange: round((after.statements - before.statements) / events),
    statementsPerSubscribe: round((before.statements - statementsBeforeSubscribing) / subscribers),
    executionsPerEvent: round((after.executions - before.executions) / events),
    payloadRequestsPerEvent: round((after.payloadRequests - before.payloadRequests) / events),
    otherSubgraphRequestsPerEvent: round((after.otherRequests - before.otherRequests) / events),
    payloadRequestMs: round(((after.payloadSeconds - before.payloadSeconds) * 1000) / Math.max(1, after.payloadRequests - before.payloadRequests)),
    gatewayLagMs: round(((after.lagSeconds - before.lagSeconds) * 1000) / Math.max(1, after.gatewayEvents - before.gatewayEvents)),
    gatewayFanOutMs: round(((after.fanOutSeconds - before.fanOutSeconds) * 1000) / Math.max(1, after.gatewayEvents - before.gatewayEvents)),
    gatewayCpuMicrosPerDelivery: round(((after.gatewayCpuSeconds - before.gatewayCpuSeconds) * 1e6) / Math.max(1, deliveries)),
    gatewaySystemCpuMicrosPerDelivery: round(((after.gatewaySystemCpuSeconds - before.gatewaySystemCpuSeconds) * 1e6) / Math.max(1, deliveries)),
    queueCpuMicrosPerDelivery: round(((after.queueCpuSeconds - before.queueCpuSeconds) * 1e6) / Math.max(1, deliveries)),
    machineCpuMsPerEvent: machineCpuPerEvent(before, after, events),
    subscribeSeconds: round(subscribeSeconds),
    memory:
      memoryBefore && memoryConnected && memorySubscribed
        ? {
            rssPerConnectionKiB: perKiB(memoryBefore.rss, memoryConnected.rss),
            rssPerSubscriptionKiB: perKiB(memoryConnected.rss, memorySubscribed.rss),
            heapPerConnectionKiB: perKiB(memoryBefore.heap, memoryConnected.heap),
            heapPerSubscriptionKiB: perKiB(memoryConnected.heap, memorySubscribed.heap),
          }
        : undefined,
  };
}

const ownCpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

type CpuCounters = Record<'gatewayCpuSeconds' | 'queueCpuSeconds' | 'postgresCpuSeconds' | 'redisCpuSeconds' | 'ownCpuSeconds', number>;

function machineCpuPerEvent(before: CpuCounters, after: CpuCounters, events: number): ScenarioResult['machineCpuMsPerEvent'] {
  const perEvent = (key: keyof CpuCounters) => ((after[key] - before[key]) * 1000) / events;
  const parts = {
    gateways: perEvent('gatewayCpuSeconds'),
    queue: perEvent('queueCpuSeconds'),
    postgres: perEvent('postgresCpuSeconds'),
    redis: perEvent('redisCpuSeconds'),
    subscribers: perEvent('ownCpuSeconds'),
  };
  const total = Object.values(parts).reduce((sum, value) => sum + value, 0);
  return { ...(Object.fromEntries(Object.entries(parts).map(([key, value]) => [key, round(value)])) as typeof parts), total: round(total) };
}

let second: Promise<RunningGraph['gateway']> | undefined;
/** The second gateway process, started once and kept for the scenarios after (stopped with the graph). */
const secondGateway = (graph: RunningGraph) => (second ??= graph.startGateway());

const round = (value: number) => Math.round(value * 10) / 10;

function printResult(result: ScenarioResult): void {
  const line = (label: string, s: Summary) => `${label} p50 ${s.p50} p95 ${s.p95} p99 ${s.p99} max ${s.max} ms`;
  process.stdout.write(
    [
      '',
      `  deliveries ${result.deliveries} over ${result.events} events (${result.missing} missing)`,
      `  ${line('delivery', result.deliveryMs)}`,
      `  ${line('last subscriber', result.fanOutMs)}`,
      `  ${line('commit to log', result.publishMs)}`,
      `  ${line('callNext', result.mutationMs)}`,
      `  gateway: log to gateway ${result.gatewayLagMs} ms, fan-out ${result.gatewayFanOutMs} ms per event (mean); queue subgraph: ${result.payloadRequestMs} ms per payload request (mean)`,
      `  statements per change ${result.statementsPerChange} (per subscribe ${result.statementsPerSubscribe}); payloads per event ${result.executionsPerEvent} from ${result.payloadRequestsPerEvent} requests to the queue subgraph; other subgraph requests per event ${result.otherSubgraphRequestsPerEvent}`,
      `  CPU per delivered event: gateway ${result.gatewayCpuMicrosPerDelivery} µs (${result.gatewaySystemCpuMicrosPerDelivery} in the kernel), queue subgraph ${result.queueCpuMicrosPerDelivery} µs`,
      `  CPU per event, whole machine: ${machineLine(result.machineCpuMsPerEvent)}`,
      result.memory
        ? `  memory per connection: RSS ${result.memory.rssPerConnectionKiB} KiB, heap ${result.memory.heapPerConnectionKiB} KiB; per subscription: RSS ${result.memory.rssPerSubscriptionKiB} KiB, heap ${result.memory.heapPerSubscriptionKiB} KiB`
        : '',
    ].join('\n') + '\n',
  );
}

function machineLine(cpu: ScenarioResult['machineCpuMsPerEvent']): string {
  const cores = os.cpus().length;
  return `gateways ${cpu.gateways}, queue subgraph ${cpu.queue}, PostgreSQL ${cpu.postgres}, Redis ${cpu.redis}, subscribers' sockets ${cpu.subscribers}: ${cpu.total} ms (${round(cpu.total / cores)} ms of ${cores} cores)`;
}

function host(): string {
  return `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
