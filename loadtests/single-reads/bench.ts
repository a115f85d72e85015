/**
 * Issue 12's single-subgraph read target, on our own graph: "our gateway with every edge feature
 * on, in front of our subgraphs: p95 at most 1.3 times a direct subgraph call for single-subgraph
 * reads; gateway CPU per such read at most that of a bare @apollo/gateway in front of the same
 * subgraphs."
 *
 * Our four subgraphs as processes (testkit's startGraph, production mode, caches at their
 * deployed defaults) on a fresh test database, one organization seeded through the API. Two of
 * the apps' real trusted documents (schema/operations/): the public business profile by slug
 * (pwa/BusinessBySlug, anonymous, business subgraph) and a display screen's queue summary
 * (display/QueueSummary, partner key, queue subgraph). Each is sent along three paths:
 *   - ours:   our gateway (gateway/dist/main.js, or --ours <dir>) with every edge feature on;
 *             rate limits on, with budgets far above the benchmark's rates; the document by its
 *             id (extensions.persistedQuery), as the apps send it; the partner key in x-api-key;
 *   - apollo: a bare @apollo/gateway (apollo.ts) over the same supergraph and subgraphs, with the
 *             document's text and the signed identity header, which it forwards;
 *   - direct: the subgraph itself, with the document's text and the signed identity header
 *             (the same identity our gateway would sign: the subgraph does the same work);
 *   - before: with --compare <gateway dist of another tree>, our gateway built from it.
 * The gateways run pinned to core 1 (`taskset`), this process (the load generator) and the
 * subgraphs to core 0 (PostgreSQL and Redis float), unless --no-pin. The paths take turns, order
 * rotated each round; each round is an open loop at a fixed rate (--rates, requests/s) for
 * --seconds, latency counted from when each request was due (loadtests/stack/open-loop.ts). Per
 * path, operation and rate: p50/p95/p99, the CPU per request of the gateway process and of the
 * subgraph (from /proc), the ratios p95(ours)/p95(direct) and CPU(ours)/CPU(apollo), and the
 * machine's load in every round (loadtests/machine.ts: BUSY when other processes took CPU).
 *
 *   npm run build && npx tsx loadtests/single-reads/bench.ts [--rates 50,150] [--seconds 10] [--rounds 3]
 *     [--only ours,apollo,direct] [--operations business,display] [--compare gateway/.before/dist]
 *     [--cpu-prof <dir>] [--no-pin]
 *
 * --cpu-prof <dir>: the gateways (ours, before, apollo) run with node --cpu-prof, written to <dir> when
 * they stop. A --compare copy must sit inside this checkout (e.g. `cp -r gateway/dist
 * gateway/.before/dist`, ignored by git) so that it resolves the same node_modules.
 * Needs PostgreSQL on 127.0.0.1:5432, Redis on 6379 and taskset (util-linux). Targets 127.0.0.1 only.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Pool } from 'undici';
import { createIdentitySigner, hashApiKey, identityHeader, type Identity } from '@waitlessq/auth';
import { createTestDatabase, freePort, graphEnv, graphqlOk, startGraph, testSecrets, type RunningGraph } from '@waitlessq/testkit';
import { describeMachine, watchMachine, type MachineLoad } from '../machine';
import { cpuSeconds } from '../processes';
import type { MixRequest } from '../stack/app-mix';
import { createPool, runOpenLoop } from '../stack/open-loop';
import { seedOrganization } from '../stack/seed';
import { summarize, type Summary } from '../stats';
import { option } from '../args';

const root = path.resolve(__dirname, '../..');
const rates = option('rates', '50,150').split(',').map(Number);
const seconds = Number(option('seconds', '10'));
const rounds = Number(option('rounds', '3'));
const warmupSeconds = Number(option('warmup', '3'));
const oursDist = path.resolve(option('ours', path.join(root, 'gateway/dist')));
const compare = option('compare', '');
const cpuProfDir = option('cpu-prof', '');
const pin = !process.argv.includes('--no-pin');
type PathKind = 'ours' | 'before' | 'apollo' | 'direct';
const only = option('only', ['ours', 'apollo', 'direct', ...(compare ? ['before'] : [])].join(',')).split(',') as PathKind[];
const operationNames = option('operations', 'business,display').split(',');
// The identity header lives 60 s; it is signed afresh at the start of each round.
if (seconds > 45) throw new Error('--seconds at most 45 (the signed identity header lives 60 s)');

const supergraphPath = path.join(root, 'schema/supergraph.graphql');
const manifestPath = path.join(root, 'schema/operations/manifest.json');
const manifest = (JSON.parse(readFileSync(manifestPath, 'utf8')) as { operations: { id: string; name: string; body: string }[] }).operations;
const trusted = (name: string) => manifest.find((operation) => operation.name === name) ?? raise(`no trusted document ${name}`);
function raise(message: string): never {
  throw new Error(message);
}

/** One of the two reads: its document, the subgraph that answers it alone, and who sends it. */
interface Operation {
  key: string;
  label: string;
  document: { id: string; name: string; body: string };
  subgraph: 'business' | 'queue';
  variables: Record<string, unknown>;
  /** What our gateway is sent besides the document (the partner key). */
  credentials: Record<string, string>;
  /** The identity our gateway signs for the subgraph. */
  identity: Identity;
}

interface Target {
  kind: PathKind;
  url: string;
  pool: Pool;
  /** The process whose CPU is the gateway's (none for direct). */
  process?: ChildProcess;
}

interface RoundResult {
  rate: number;
  operation: string;
  kind: PathKind;
  round: number;
  ok: number;
  errors: number;
  firstErrors: string[];
  achievedRate: number;
  latencyMs: Summary;
  /** CPU of the gateway process per answered request (ms); absent for direct. */
  gatewayCpuMsPerRequest?: number;
  /** CPU of the subgraph that answered, per request (ms): the same work on every path. */
  subgraphCpuMsPerRequest: number;
  machine: MachineLoad;
}

async function main(): Promise<void> {
  if (pin) execFileSync('taskset', ['-a', '-pc', '0', String(process.pid)], { stdio: 'ignore' });
  const db = await createTestDatabase();
  const env = graphEnv(db, {
    REDIS_KEY_PREFIX: `bench:${db.name}:`,
    // As deployed: production mode (graphql-js skips its development checks, caches keep their 60 s).
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    // Rate limits stay on (the Redis round trip is part of the edge), with budgets the benchmark cannot spend.
    RATE_LIMIT_PER_ADDRESS: '100000000',
    RATE_LIMIT_PER_USER: '100000000',
    RATE_LIMIT_PER_PARTNER_KEY: '100000000',
  });
  // A busy machine starts five processes slowly.
  const graph = await startGraph(env, { startTimeoutMs: 120_000 });
  console.log(`graph on database ${db.name}`);
  const children: ChildProcess[] = [];
  const stopAll = async () => {
    await Promise.all(children.map(stopProcess));
    await graph.stop();
    await db.drop();
  };
  // Interrupted: the graph's processes and the database go too.
  process.once('SIGINT', () => void stopAll().finally(() => process.exit(130)));
  try {
    const subgraphUrls = Object.fromEntries(Object.entries(graph.subgraphs).map(([name, service]) => [name, service.url]));
    const operations = await seed(graph);
    if (pin)
      for (const service of Object.values(graph.subgraphs)) execFileSync('taskset', ['-a', '-pc', '0', String(service.process.pid)], { stdio: 'ignore' });

    const targets: Target[] = [];
    for (const kind of only) {
      if (kind === 'direct') continue; // one per operation's subgraph, below
      const started =
        kind === 'apollo'
          ? await startApollo(subgraphUrls)
          : await startOurs(kind === 'before' ? path.resolve(compare) : oursDist, { ...env, ...subgraphEnv(graph) }, kind);
      children.push(started.process);
      targets.push({ kind, url: started.url, pool: createPool(started.url, 64), process: started.process });
    }
    const directs = new Map(
      (['business', 'queue'] as const).map((name) => [
        name,
        { kind: 'direct' as const, url: graph.subgraphs[name].url, pool: createPool(graph.subgraphs[name].url, 64) },
      ]),
    );
    const pathsOf = (operation: Operation): Target[] =>
      only.map((kind) => (kind === 'direct' ? directs.get(operation.subgraph)! : targets.find((t) => t.kind === kind)!));

    const signer = createIdentitySigner(testSecrets.IDENTITY_SIGNING_SECRET);
    const requestFor = async (operation: Operation, kind: PathKind): Promise<MixRequest> => {
      const byId = kind === 'ours' || kind === 'before';
      const body = JSON.stringify(
        byId
          ? {
              operationName: operation.document.name,
              variables: operation.variables,
              extensions: { persistedQuery: { version: 1, sha256Hash: operation.document.id } },
            }
          : { query: operation.document.body, operationName: operation.document.name, variables: operation.variables },
      );
      const headers: Record<string, string> = byId
        ? { 'content-type': 'application/json', ...operation.credentials }
        : { 'content-type': 'application/json', [identityHeader]: await signer.sign(operation.identity) };
      return { name: operation.key, kind: 'read', body, headers };
    };

    // Every path answers every operation alike before anything is measured.
    for (const operation of operations) {
      let reference: string | undefined;
      for (const target of pathsOf(operation)) {
        const request = await requestFor(operation, target.kind);
        const response = await target.pool.request({ path: new URL(target.url).pathname, method: 'POST', headers: request.headers, body: request.body });
        const answer = (await response.body.json()) as { data?: unknown; errors?: unknown };
        if (response.statusCode !== 200 || answer.errors || !answer.data) throw new Error(`${target.kind} ${operation.key}: ${JSON.stringify(answer)}`);
        const data = JSON.stringify(answer.data);
        reference ??= data;
        if (data !== reference) throw new Error(`${target.kind} answers ${operation.key} differently:\n${data}\n${reference}`);
      }
      console.log(`${operation.label}: every path answers alike (${reference!.length} bytes of data)`);
    }

    const measure = async (operation: Operation, target: Target, rate: number, durationSeconds: number) => {
      const request = await requestFor(operation, target.kind);
      const subgraphPid = graph.subgraphs[operation.subgraph].process.pid!;
      const watch = watchMachine();
      const before = { gateway: target.process ? cpuSeconds(target.process.pid!) : 0, subgraph: cpuSeconds(subgraphPid) };
      const result = await runOpenLoop({ pool: target.pool, path: new URL(target.url).pathname, rate, seconds: durationSeconds, next: () => request });
      const after = { gateway: target.process ? cpuSeconds(target.process.pid!) : 0, subgraph: cpuSeconds(subgraphPid) };
      const machine = watch.stop();
      const perRequest = (cpu: number) => Math.round(((cpu * 1000) / Math.max(1, result.ok)) * 1000) / 1000;
      return {
        result,
        machine,
        gatewayCpuMsPerRequest: target.process ? perRequest(after.gateway - before.gateway) : undefined,
        subgraphCpuMsPerRequest: perRequest(after.subgraph - before.subgraph),
      };
    };

    console.log(`warm-up: ${warmupSeconds} s per path and operation at ${rates[0]} requests/s; pinned: ${pin ? 'gateways core 1, the rest core 0' : 'no'}`);
    for (const operation of operations) for (const target of pathsOf(operation)) await measure(operation, target, rates[0]!, warmupSeconds);

    const results: RoundResult[] = [];
    const latencies = new Map<string, number[]>();
    for (const rate of rates) {
      for (let round = 1; round <= rounds; round++) {
        for (const operation of operations) {
          const paths = pathsOf(operation);
          const order = paths.map((_, i) => paths[(i + round - 1) % paths.length]!);
          for (const target of order) {
            const { result, machine, gatewayCpuMsPerRequest, subgraphCpuMsPerRequest } = await measure(operation, target, rate, seconds);
            const row: RoundResult = {
              rate,
              operation: operation.key,
              kind: target.kind,
              round,
              ok: result.ok,
              errors: result.errors,
              firstErrors: result.firstErrors,
              achievedRate: result.achievedRate,
              latencyMs: summarize(result.latenciesMs),
              gatewayCpuMsPerRequest,
              subgraphCpuMsPerRequest,
              machine,
            };
            results.push(row);
            latencies.set(`${rate}|${operation.key}|${target.kind}|${round}`, result.latenciesMs);
            console.log(
              `${rate}/s round ${round} ${operation.key.padEnd(8)} ${target.kind.padEnd(6)} p50 ${row.latencyMs.p50} p95 ${row.latencyMs.p95} p99 ${row.latencyMs.p99} ms  ` +
                `gateway CPU ${gatewayCpuMsPerRequest ?? '-'} ms/req  subgraph CPU ${subgraphCpuMsPerRequest} ms/req  errors ${row.errors}  ${describeMachine(machine)}`,
            );
            if (result.firstErrors.length > 0) console.log(`  first errors: ${result.firstErrors.join(' | ')}`);
          }
        }
      }
    }
    const summary = summarizeRuns(results, latencies);
    console.table(
      summary.map(({ rate, operation, kind, rounds: r, p50Ms, p95Ms, p99Ms, gatewayCpuMsPerRequest, p95VsDirect, cpuVsApollo }) => ({
        rate,
        operation,
        kind,
        rounds: r,
        p50Ms,
        p95Ms,
        p99Ms,
        gatewayCpuMsPerRequest,
        p95VsDirect,
        cpuVsApollo,
      })),
    );
    for (const row of summary.filter((r) => r.kind === 'ours' || r.kind === 'before')) {
      console.log(
        `${row.kind} ${row.operation} at ${row.rate}/s: p95 ${row.p95VsDirect}x direct (target 1.3: ${row.p95VsDirect <= 1.3 ? 'met' : 'MISSED'}), ` +
          `CPU ${row.cpuVsApollo}x apollo (target 1: ${row.cpuVsApollo <= 1 ? 'met' : 'MISSED'})${row.busy ? ' [busy machine]' : ''}`,
      );
    }
    const file = path.join(__dirname, 'results.json');
    writeFileSync(
      file,
      `${JSON.stringify({ at: new Date().toISOString(), node: process.version, rates, seconds, rounds, pinned: pin, ours: path.relative(root, oursDist), compare: compare || undefined, summary, rounds_: results }, null, 2)}\n`,
    );
    console.log(`wrote ${path.relative(process.cwd(), file)}`);
  } finally {
    await stopAll();
  }
}

/**
 * Per rate, operation and path, over its quiet rounds (over all of them, marked busy, when none
 * was quiet): percentiles of their latencies together, CPU as the mean of the rounds; and the
 * target ratios.
 */
function summarizeRuns(results: RoundResult[], latencies: Map<string, number[]>) {
  const groups = new Map<string, RoundResult[]>();
  for (const r of results) {
    const key = `${r.rate}|${r.operation}|${r.kind}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const rows = [...groups].map(([key, all]) => {
    const quiet = all.filter((r) => !r.machine.busy);
    const used = quiet.length > 0 ? quiet : all;
    const latency = summarize(used.flatMap((r) => latencies.get(`${key}|${r.round}`) ?? []));
    const mean = (values: number[]) => Math.round((values.reduce((a, b) => a + b, 0) / Math.max(1, values.length)) * 1000) / 1000;
    return {
      rate: all[0]!.rate,
      operation: all[0]!.operation,
      kind: all[0]!.kind,
      rounds: quiet.length > 0 ? `${quiet.length}/${all.length} quiet` : `0/${all.length} quiet: all, BUSY`,
      busy: quiet.length === 0,
      requests: used.reduce((sum, r) => sum + r.ok, 0),
      errors: all.reduce((sum, r) => sum + r.errors, 0),
      p50Ms: latency.p50,
      p95Ms: latency.p95,
      p99Ms: latency.p99,
      gatewayCpuMsPerRequest: all[0]!.gatewayCpuMsPerRequest === undefined ? undefined : mean(used.map((r) => r.gatewayCpuMsPerRequest!)),
      subgraphCpuMsPerRequest: mean(used.map((r) => r.subgraphCpuMsPerRequest)),
      load1Max: Math.max(...all.map((r) => r.machine.load1.max)),
      outsideCoresMean: mean(all.map((r) => r.machine.outsideCores.mean)),
    };
  });
  const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? Number.NaN : Math.round((a / b) * 100) / 100);
  return rows.map((row) => {
    const peer = (kind: PathKind) => rows.find((r) => r.rate === row.rate && r.operation === row.operation && r.kind === kind);
    return {
      ...row,
      p95VsDirect: ratio(row.p95Ms, peer('direct')?.p95Ms),
      cpuVsApollo: ratio(row.gatewayCpuMsPerRequest, peer('apollo')?.gatewayCpuMsPerRequest),
    };
  });
}

/** An organization through the API (loadtests/stack/seed.ts): a business, one queue of ten walk-ins, one called; a partner key. */
async function seed(graph: RunningGraph): Promise<Operation[]> {
  const api = graph.gateway.url;
  const org = await retried(() => seedOrganization(api, { queues: 1, perQueue: 10 }));
  const queueId = org.queueIds[0]!;
  await graphqlOk(api, { token: org.ownerToken, query: 'mutation($queueId: ID!) { callNext(queueId: $queueId) { id } }', variables: { queueId } });
  // The partner the key stands for, as our gateway resolves it (the user subgraph owns the keys).
  const signer = createIdentitySigner(testSecrets.IDENTITY_SIGNING_SECRET);
  const { apiKeyIdentity } = await graphqlOk<{ apiKeyIdentity: { apiKeyId: string; organizationId: string } }>(graph.subgraphs.user.url, {
    headers: { [identityHeader]: await signer.sign({ kind: 'service', subjectId: 'gateway' }) },
    query: 'query($keyHash: String!) { apiKeyIdentity(keyHash: $keyHash) { apiKeyId organizationId } }',
    variables: { keyHash: hashApiKey(org.apiKey) },
  });
  // Our gateway tells anonymous callers apart by a hash of address and user agent (client-fingerprint.ts).
  const clientFingerprint = createHash('sha256').update('127.0.0.1\n').digest('hex').slice(0, 32);
  const all: Operation[] = [
    {
      key: 'business',
      label: 'business by slug (PwaBusinessBySlug, anonymous, business subgraph)',
      document: trusted('PwaBusinessBySlug'),
      subgraph: 'business',
      variables: { slug: org.slug },
      credentials: {},
      identity: { kind: 'anonymous', clientFingerprint },
    },
    {
      key: 'display',
      label: 'display queue summary (DisplayQueueSummary, partner key, queue subgraph)',
      document: trusted('DisplayQueueSummary'),
      subgraph: 'queue',
      variables: { queueId },
      credentials: { 'x-api-key': org.apiKey },
      identity: { kind: 'partner', subjectId: apiKeyIdentity.apiKeyId, organizationId: apiKeyIdentity.organizationId },
    },
  ];
  return all.filter((operation) => operationNames.includes(operation.key));
}

/** A busy machine may take longer than the gateway's request timeout over a sign-up (password hashing): try again, as a new organization. */
async function retried<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= attempts) throw error;
      console.log(`seeding failed (${String(error).slice(0, 120)}); again`);
    }
  }
}

function subgraphEnv(graph: RunningGraph): Record<string, string> {
  return Object.fromEntries(Object.entries(graph.subgraphs).map(([name, service]) => [`${name.toUpperCase()}_SUBGRAPH_URL`, service.url]));
}

/** Our gateway from a dist folder, as its own process (pinned to core 1), with the graph's environment. */
async function startOurs(dist: string, env: Record<string, string>, kind: PathKind): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawnPinned(process.execPath, [path.join(dist, 'main.js')], {
    ...process.env,
    ...env,
    PORT: String(port),
    HOST: '127.0.0.1',
    SUPERGRAPH_PATH: supergraphPath,
    OPERATIONS_MANIFEST_PATH: manifestPath,
    ...cpuProfOptions(kind),
  });
  child.stdout!.resume();
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`our gateway (${kind}) exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${baseUrl}/health`)).ok) return { url: `${baseUrl}/graphql`, process: child };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`our gateway (${kind}) did not become healthy`);
}

/** With --cpu-prof: node writes the gateway's V8 profile into <dir>/<path> when it stops. */
function cpuProfOptions(kind: PathKind): Record<string, string> {
  if (!cpuProfDir) return {};
  const dir = path.resolve(cpuProfDir, kind);
  mkdirSync(dir, { recursive: true });
  return { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir}` };
}

async function startApollo(subgraphUrls: Record<string, string>): Promise<{ url: string; process: ChildProcess }> {
  const child = spawnPinned(process.execPath, ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', path.join(__dirname, 'apollo.ts')], {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(await freePort()),
    SUPERGRAPH_PATH: supergraphPath,
    SUBGRAPH_URLS: JSON.stringify(subgraphUrls),
    ...cpuProfOptions('apollo'),
  });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the bare @apollo/gateway exited (${code}) before it was ready`)));
  });
  return { url: url.trim(), process: child };
}

function spawnPinned(command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  // taskset execs the command: the child's pid is the gateway's own.
  const [file, argv] = pin ? ['taskset', ['-c', '1', command, ...args]] : [command, args];
  return spawn(file as string, argv as string[], { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => (clearTimeout(timer), resolve()));
    child.kill('SIGTERM');
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
