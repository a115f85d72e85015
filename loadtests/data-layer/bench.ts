/**
 * The data layer under a read-heavy mix, through the gateway, in four configurations: with and
 * without the read replica, with and without the caches. Each configuration gets a fresh
 * database, the five services as processes (testkit's startGraph), a seeded organization and
 * a warm-up; then the configurations take turns, round after round, each running a share of
 * its seconds of load from a fetch-based closed-loop runner, so that whatever else the machine
 * does slows them alike. Besides latency, the CPU the services spend per request is measured:
 * it does not depend on what else runs.
 *
 *   npm run build && npx tsx loadtests/data-layer/bench.ts [--seconds 20] [--rounds 4] [--concurrency 8] [--only replica+cache]
 *     [--compare /tmp/old] [--cpu-prof /tmp/profiles] [--by-operation 4] [--out results.json]
 *     [--subgraph-node-options '<V8 flags>'] [--compare-subgraph-node-options '<V8 flags>']
 *
 * --compare runs every chosen configuration a second time on another checkout's build (a `git
 * worktree` of an older commit, after its `npm ci` and build), in the same interleaved rounds,
 * so that old and new code share the machine's noise. --cpu-prof starts the services with
 * `--cpu-prof` and writes their V8 profiles (one per process, on exit) to that directory.
 * --by-operation runs each operation of the mix alone for that many seconds after the rounds
 * (each build in turn) and reports its CPU per request by process and its statements.
 * --subgraph-node-options gives the four subgraphs NODE_OPTIONS (the gateway keeps its own);
 * --compare-subgraph-node-options runs this checkout a second time with other ones, in the same
 * interleaved rounds: heap settings for the subgraphs' containers, side by side.
 *
 * Needs what the integration tests need: PostgreSQL on 127.0.0.1:5432, its streaming replica
 * on 5433 (scripts/replica/start-replica.sh) and Redis on 6379. Targets 127.0.0.1 only.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, graphEnv, graphqlOk, rateLimitsOff, startGraph, type RunningGraph, type TestDatabase } from '@waitlessq/testkit';
import { databaseWork, readMetrics, type DatabaseWork, type Sample } from './metrics';
import { chooseOperation, mix, type Operation, type Seed } from './mix';
import { describeMachine, watchMachine, type MachineLoad } from '../machine';
import { cpuSeconds } from '../processes';

interface Options {
  seconds: number;
  /** The seconds of each configuration are run in this many rounds, interleaved, so background load is shared fairly. */
  rounds: number;
  warmupSeconds: number;
  concurrency: number;
  only?: string;
  /** Another checkout whose build runs the same configurations beside this one's. */
  compare?: string;
  /** A directory for the services' V8 CPU profiles. */
  cpuProf?: string;
  /** Seconds of each operation alone after the rounds, for its CPU per process (0: none). */
  byOperation: number;
  /** Where the raw figures go (results.json beside this file). */
  out: string;
  /** NODE_OPTIONS of the four subgraphs (V8's heap flags); with compareSubgraphNodeOptions, two runs of this checkout side by side. */
  subgraphNodeOptions?: string;
  compareSubgraphNodeOptions?: string;
}

function parseOptions(argv: string[]): Options {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    seconds: Number(value('--seconds') ?? 20),
    rounds: Number(value('--rounds') ?? 4),
    warmupSeconds: Number(value('--warmup') ?? 4),
    concurrency: Number(value('--concurrency') ?? 8),
    only: value('--only'),
    compare: value('--compare') && path.resolve(value('--compare')!),
    cpuProf: value('--cpu-prof') && path.resolve(value('--cpu-prof')!),
    byOperation: Number(value('--by-operation') ?? 0),
    out: path.resolve(value('--out') ?? path.join(__dirname, 'results.json')),
    subgraphNodeOptions: value('--subgraph-node-options'),
    compareSubgraphNodeOptions: value('--compare-subgraph-node-options'),
  };
}

const configurations = [
  { name: 'primary only', replica: false, cache: false },
  { name: 'primary + cache', replica: false, cache: true },
  { name: 'replica', replica: true, cache: false },
  { name: 'replica + cache', replica: true, cache: true },
] as const;

/** A build to run: this checkout's, or another's (`--compare`), named by its commit. */
interface Build {
  name: string;
  checkout?: string;
  /** NODE_OPTIONS of the subgraphs, when set. */
  subgraphNodeOptions?: string;
}

function buildOf(checkout: string | undefined, subgraphNodeOptions?: string): Build {
  const commit = execFileSync('git', ['-C', checkout ?? path.resolve(__dirname, '../..'), 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  const name = `${commit}${checkout ? ` (${checkout})` : ''}${subgraphNodeOptions !== undefined ? ` subgraphs "${subgraphNodeOptions}"` : ''}`;
  return { name, checkout, subgraphNodeOptions };
}

const serviceNames = ['gateway', 'user', 'business', 'queue', 'pwa'] as const;
type ServiceCpu = Record<(typeof serviceNames)[number], number>;

interface RunResult {
  configuration: string;
  build: string;
  requests: number;
  errors: number;
  seconds: number;
  throughput: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** CPU time of the gateway and the four subgraphs per request (PostgreSQL, Redis and the load generator not included). */
  cpuMsPerRequest: number;
  /** The same per process. */
  cpuMsPerRequestByService: ServiceCpu;
  byOperation: Record<string, { count: number; p95Ms: number }>;
  database: DatabaseWork;
  /** The machine's load in each round of this configuration (loadtests/machine.ts). */
  machine: { busyRounds: number; rounds: MachineLoad[] };
}

async function waitForReplica(url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

async function seed(api: string): Promise<Seed> {
  const suffix = Math.random().toString(36).slice(2, 8);
  const { signUp } = await graphqlOk<{ signUp: { accessToken: string } }>(api, {
    query: 'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }',
    variables: { input: { organizationName: `Bench ${suffix}`, name: 'Owner', email: `owner-${suffix}@bench.test`, password: 'a-long-password-1' } },
  });
  const token = signUp.accessToken;
  const { createBusiness } = await graphqlOk<{ createBusiness: { id: string; slug: string } }>(api, {
    token,
    query: 'mutation($input: CreateBusinessInput!) { createBusiness(input: $input) { id slug } }',
    variables: { input: { name: `Bench Clinic ${suffix}`, timezone: 'Europe/Berlin', description: 'Walk in any time.' } },
  });
  for (const [name, durationMinutes] of [
    ['Check-up', 15],
    ['Vaccination', 10],
    ['Consultation', 30],
  ] as const) {
    await graphqlOk(api, {
      token,
      query: 'mutation($input: CreateServiceInput!) { createService(input: $input) { id } }',
      variables: { input: { businessId: createBusiness.id, name, durationMinutes } },
    });
  }
  const queueIds: string[] = [];
  for (let i = 0; i < 20; i += 1) {
    const { createQueue } = await graphqlOk<{ createQueue: { id: string } }>(api, {
      token,
      query: 'mutation($input: CreateQueueInput!) { createQueue(input: $input) { id } }',
      variables: { input: { businessId: createBusiness.id, name: `Desk ${i + 1}`, countersOpen: 2 } },
    });
    queueIds.push(createQueue.id);
  }
  const visits: Seed['visits'] = [];
  await Promise.all(
    queueIds.map(async (queueId) => {
      for (let i = 0; i < 10; i += 1) {
        const { joinQueue } = await graphqlOk<{ joinQueue: { visitToken: string; visit: { id: string } } }>(api, {
          query: 'mutation($input: JoinQueueInput!) { joinQueue(input: $input) { visitToken visit { id } } }',
          variables: { input: { queueId, name: `Seeded ${i}` } },
        });
        visits.push({ id: joinQueue.visit.id, token: joinQueue.visitToken });
      }
    }),
  );
  return { ownerToken: token, slug: createBusiness.slug, queueIds, visits };
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** A closed loop: `concurrency` clients, each sending its next request when the last one answered. */
async function load(api: string, seedData: Seed, seconds: number, concurrency: number, operations: readonly Operation[] = mix) {
  const latencies: number[] = [];
  const byOperation = new Map<string, number[]>();
  let errors = 0;
  const firstErrors: string[] = [];
  const until = Date.now() + seconds * 1000;
  const started = process.hrtime.bigint();
  const client = async () => {
    while (Date.now() < until) {
      const operation = chooseOperation(operations);
      const { query, variables, token } = operation.request(seedData);
      const sent = process.hrtime.bigint();
      try {
        const response = await fetch(api, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify({ query, variables }),
        });
        const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
        const ms = Number(process.hrtime.bigint() - sent) / 1e6;
        if (!response.ok || body.errors?.length || !body.data) {
          errors += 1;
          if (firstErrors.length < 3) firstErrors.push(`${operation.name}: ${response.status} ${JSON.stringify(body.errors ?? body).slice(0, 300)}`);
          continue;
        }
        latencies.push(ms);
        const samples = byOperation.get(operation.name);
        if (samples) samples.push(ms);
        else byOperation.set(operation.name, [ms]);
        operation.learn?.(seedData, body.data);
      } catch (error) {
        errors += 1;
        if (firstErrors.length < 3) firstErrors.push(`${operation.name}: ${String(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return { latencies, byOperation, errors, firstErrors, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

interface Prepared {
  configuration: (typeof configurations)[number];
  build: Build;
  db: TestDatabase;
  graph: RunningGraph;
  api: string;
  subgraphUrls: string[];
  seed: Seed;
  totals: Totals;
}

interface Totals {
  latencies: number[];
  byOperation: Map<string, number[]>;
  errors: number;
  firstErrors: string[];
  seconds: number;
  /** Sums of the metric deltas of every round. */
  deltas: Sample;
  cpuSeconds: ServiceCpu;
  machines: MachineLoad[];
}

/** CPU seconds (user + system) each of the five service processes has used so far. */
function servicesCpuSeconds(graph: RunningGraph): ServiceCpu {
  const services = { gateway: graph.gateway, ...graph.subgraphs };
  return Object.fromEntries(serviceNames.map((name) => [name, cpuSeconds(services[name].process.pid!)])) as ServiceCpu;
}

const noCpu = (): ServiceCpu => Object.fromEntries(serviceNames.map((name) => [name, 0])) as ServiceCpu;
const sum = (cpu: ServiceCpu) => serviceNames.reduce((total, name) => total + cpu[name], 0);

async function prepare(configuration: (typeof configurations)[number], build: Build, options: Options): Promise<Prepared> {
  const db = await createTestDatabase();
  const env: Record<string, string> = graphEnv(db, {
    REDIS_KEY_PREFIX: `bench:${db.name}:`,
    CACHE_TTL_SECONDS: configuration.cache ? '60' : '0',
    LOG_LEVEL: 'error',
    // The benchmark is one address and one user: the edge's budgets would refuse it.
    ...rateLimitsOff,
  });
  if (configuration.replica) {
    const replica = new URL(db.url);
    replica.port = '5433';
    await waitForReplica(replica.toString());
    env.DATABASE_REPLICA_URLS = replica.toString();
  }
  if (options.cpuProf) {
    const dir = path.join(options.cpuProf, `${configuration.name.replace(/\W+/g, '-')}-${build.name.replace(/\W+/g, '-')}`);
    mkdirSync(dir, { recursive: true });
    env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --cpu-prof --cpu-prof-dir=${dir}`.trim();
  }
  // Five processes starting at once on a busy machine can take longer than the default 30 s.
  const subgraphEnv: Record<string, string> =
    build.subgraphNodeOptions === undefined ? {} : { NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''} ${build.subgraphNodeOptions}`.trim() };
  const graph = await startGraph(env, {
    checkout: build.checkout,
    startTimeoutMs: 120_000,
    envOf: { user: subgraphEnv, business: subgraphEnv, queue: subgraphEnv, pwa: subgraphEnv },
  });
  const api = graph.gateway.url;
  const seedData = await seed(api);
  await load(api, seedData, options.warmupSeconds, options.concurrency);
  return {
    configuration,
    build,
    db,
    graph,
    api,
    subgraphUrls: Object.values(graph.subgraphs).map((service) => service.baseUrl),
    seed: seedData,
    totals: { latencies: [], byOperation: new Map(), errors: 0, firstErrors: [], seconds: 0, deltas: { series: new Map() }, cpuSeconds: noCpu(), machines: [] },
  };
}

/** One round of load on one configuration, added to its totals. */
async function round(prepared: Prepared, options: Options): Promise<void> {
  const { totals } = prepared;
  const before = await readMetrics(prepared.subgraphUrls);
  const cpuBefore = servicesCpuSeconds(prepared.graph);
  const watch = watchMachine();
  const run = await load(prepared.api, prepared.seed, options.seconds / options.rounds, options.concurrency);
  const machine = watch.stop();
  const cpuAfter = servicesCpuSeconds(prepared.graph);
  totals.machines.push(machine);
  process.stderr.write(`  ${label(prepared)}: ${describeMachine(machine)}\n`);
  const after = await readMetrics(prepared.subgraphUrls);
  for (const [key, value] of after.series) totals.deltas.series.set(key, (totals.deltas.series.get(key) ?? 0) + value - (before.series.get(key) ?? 0));
  totals.latencies.push(...run.latencies);
  for (const [name, values] of run.byOperation) totals.byOperation.set(name, (totals.byOperation.get(name) ?? []).concat(values));
  totals.errors += run.errors;
  totals.firstErrors.push(...run.firstErrors.slice(0, 3 - totals.firstErrors.length));
  totals.seconds += run.seconds;
  for (const name of serviceNames) totals.cpuSeconds[name] += cpuAfter[name] - cpuBefore[name];
}

function summarize(prepared: Prepared): RunResult {
  const { totals } = prepared;
  const latencies = [...totals.latencies].sort((a, b) => a - b);
  const round1 = (n: number) => Math.round(n * 10) / 10;
  const perRequest = (cpuSeconds: number) => Math.round((cpuSeconds * 1000 * 100) / Math.max(1, latencies.length)) / 100;
  if (totals.firstErrors.length) console.error(`${label(prepared)}: errors, e.g.\n  ${totals.firstErrors.join('\n  ')}`);
  return {
    configuration: prepared.configuration.name,
    build: prepared.build.name,
    requests: latencies.length,
    errors: totals.errors,
    seconds: round1(totals.seconds),
    throughput: Math.round(latencies.length / totals.seconds),
    p50Ms: round1(percentile(latencies, 0.5)),
    p95Ms: round1(percentile(latencies, 0.95)),
    p99Ms: round1(percentile(latencies, 0.99)),
    cpuMsPerRequest: round1((sum(totals.cpuSeconds) * 1000) / Math.max(1, latencies.length)),
    cpuMsPerRequestByService: Object.fromEntries(serviceNames.map((name) => [name, perRequest(totals.cpuSeconds[name])])) as ServiceCpu,
    byOperation: Object.fromEntries(
      [...totals.byOperation].map(([name, values]) => {
        values.sort((a, b) => a - b);
        return [name, { count: values.length, p95Ms: round1(percentile(values, 0.95)) }];
      }),
    ),
    database: databaseWork({ series: new Map() }, totals.deltas),
    machine: { busyRounds: totals.machines.filter((machine) => machine.busy).length, rounds: totals.machines },
  };
}

interface OperationCost {
  operation: string;
  build: string;
  requests: number;
  cpuMsPerRequestByService: ServiceCpu;
  statementsPerRequest: number;
  machine: MachineLoad;
}

/** One operation of the mix alone on one build: what a request of it costs each process. */
async function operationCost(prepared: Prepared, operation: Operation, seconds: number, concurrency: number): Promise<OperationCost> {
  const before = await readMetrics(prepared.subgraphUrls);
  const cpuBefore = servicesCpuSeconds(prepared.graph);
  const watch = watchMachine();
  const run = await load(prepared.api, prepared.seed, seconds, concurrency, [operation]);
  const machine = watch.stop();
  const cpuAfter = servicesCpuSeconds(prepared.graph);
  const work = databaseWork(before, await readMetrics(prepared.subgraphUrls));
  const requests = Math.max(1, run.latencies.length);
  const perRequest = (name: (typeof serviceNames)[number]) => Math.round(((cpuAfter[name] - cpuBefore[name]) * 1000 * 100) / requests) / 100;
  return {
    operation: operation.name,
    build: prepared.build.name,
    requests: run.latencies.length,
    cpuMsPerRequestByService: Object.fromEntries(serviceNames.map((name) => [name, perRequest(name)])) as ServiceCpu,
    statementsPerRequest: Math.round(((work.statements.primary + work.statements.replica) * 100) / requests) / 100,
    machine,
  };
}

function operationTable(costs: OperationCost[]): string {
  return [
    `| operation @ build | requests | ${serviceNames.join(' | ')} | all | statements per request | outside cores |`,
    `| --- | ---: |${serviceNames.map(() => ' ---: |').join('')} ---: | ---: | ---: |`,
    ...costs.map(
      (c) =>
        `| ${c.operation} @ ${c.build} | ${c.requests} | ${serviceNames.map((name) => c.cpuMsPerRequestByService[name].toFixed(2)).join(' | ')} | ${sum(c.cpuMsPerRequestByService).toFixed(2)} | ${c.statementsPerRequest} | ${c.machine.outsideCores.mean}${c.machine.busy ? ' BUSY' : ''} |`,
    ),
  ].join('\n');
}

const label = (prepared: Prepared) => `${prepared.configuration.name} @ ${prepared.build.name}`;

function table(results: RunResult[]): string {
  const fixed = (n: number, digits = 1) => n.toFixed(digits);
  const rows = results.map((r) => {
    const d = r.database;
    const statements = d.statements.primary + d.statements.replica;
    const ratio = d.cache.hits + d.cache.misses === 0 ? '–' : `${fixed((100 * d.cache.hits) / (d.cache.hits + d.cache.misses))} %`;
    return `| ${r.configuration} @ ${r.build} | ${r.throughput} | ${fixed(r.p50Ms)} / ${fixed(r.p95Ms)} / ${fixed(r.p99Ms)} | ${r.errors} | ${fixed(r.cpuMsPerRequest)} | ${fixed(statements / r.requests, 2)} (${fixed((100 * d.statements.replica) / Math.max(1, statements), 0)} % replica) | ${fixed(d.p50Ms, 2)} / ${fixed(d.p95Ms, 2)} / ${fixed(d.p99Ms, 2)} | ${ratio} |`;
  });
  return [
    '| configuration | requests/s | API p50 / p95 / p99 (ms) | errors | service CPU ms per request | statements per operation | database p50 / p95 / p99 (ms) | cache hit ratio |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

function cpuTable(results: RunResult[]): string {
  return [
    `| configuration | ${serviceNames.join(' | ')} | all |`,
    `| --- |${serviceNames.map(() => ' ---: |').join('')} ---: |`,
    ...results.map(
      (r) =>
        `| ${r.configuration} @ ${r.build} | ${serviceNames.map((name) => r.cpuMsPerRequestByService[name].toFixed(2)).join(' | ')} | ${sum(r.cpuMsPerRequestByService).toFixed(2)} |`,
    ),
  ].join('\n');
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const chosen = configurations.filter((c) => !options.only || c.name.replace(/ /g, '') === options.only.replace(/ /g, ''));
  const builds = [
    buildOf(undefined, options.subgraphNodeOptions),
    ...(options.compare ? [buildOf(options.compare, options.subgraphNodeOptions)] : []),
    ...(options.compareSubgraphNodeOptions !== undefined ? [buildOf(undefined, options.compareSubgraphNodeOptions)] : []),
  ];
  const prepared: Prepared[] = [];
  const costs: OperationCost[] = [];
  try {
    for (const configuration of chosen)
      for (const build of builds) {
        process.stderr.write(`starting "${configuration.name}" @ ${build.name}...\n`);
        prepared.push(await prepare(configuration, build, options));
      }
    for (let i = 0; i < options.rounds; i += 1) {
      process.stderr.write(`round ${i + 1} of ${options.rounds}\n`);
      for (const configuration of prepared) await round(configuration, options);
    }
    // Each operation on every build before the next operation, so the builds share the noise.
    if (options.byOperation > 0)
      for (const operation of mix)
        for (const configuration of prepared) costs.push(await operationCost(configuration, operation, options.byOperation, options.concurrency));
  } finally {
    for (const { graph, db } of prepared) {
      await graph.stop();
      await db.drop();
    }
  }
  const results = prepared.map(summarize);
  const out = options.out;
  writeFileSync(out, `${JSON.stringify({ options, at: new Date().toISOString(), results, ...(costs.length ? { byOperation: costs } : {}) }, null, 2)}\n`);
  console.log(table(results));
  console.log(`\nservice CPU ms per request, by process:\n${cpuTable(results)}`);
  if (costs.length) console.log(`\neach operation alone, service CPU ms per request:\n${operationTable(costs)}`);
  const busy = results.filter((r) => r.machine.busyRounds > 0);
  if (busy.length)
    console.log(
      `\nBUSY: ${busy.map((r) => `${r.configuration} @ ${r.build} (${r.machine.busyRounds} of ${options.rounds} rounds)`).join(', ')}: not figures to quote`,
    );
  console.log(`\nper operation p95 (ms):\n${results.map((r) => `${r.configuration} @ ${r.build}: ${JSON.stringify(r.byOperation)}`).join('\n')}`);
  console.log(`\nwritten: ${path.relative(process.cwd(), out)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
