/**
 * Federation benchmark: our own implementation of the public graphql-gateways-benchmark
 * workload (its four subgraphs in subgraphs.ts, its nested query below, ~85 KiB per answer)
 * served by three gateways side by side:
 *   - ours:   the WaitLessQ gateway (createGateway) with every edge feature on;
 *   - apollo: a bare @apollo/gateway in @apollo/server;
 *   - hive:   Hive Gateway (@graphql-hive/gateway, pinned below) with its defaults, installed on
 *             first use into ~/.cache/waitlessq (a benchmark tool, not a dependency of ours).
 * Each gateway runs pinned to core 1 (`taskset -c 1`); this process (the load generator) and the
 * subgraphs run on core 0. The gateways take turns, round after round, order rotated, each
 * round a closed loop of --connections requests in flight for --seconds, every request with a
 * distinct bearer token (an HS256 access token ours verifies), so that no deduplication or
 * token cache helps. Per gateway: requests/s, p50/p95 latency, CPU per request, peak RSS, and
 * the ratios to the bare @apollo/gateway; each round records the machine's load and is marked
 * BUSY when other processes used the CPU (loadtests/machine.ts).
 *
 *   npx turbo run build --filter=@waitlessq/gateway... && npx tsx loadtests/federation/bench.ts [--seconds 10] [--rounds 3] [--connections 50] [--only ours,apollo]
 *
 * --workload single: a read the products subgraph answers alone, through ours, apollo, hive and
 * straight to the subgraph (`direct`): the gateways' own overhead (p95 ratio, CPU per read).
 * --compare <dir>: also runs our gateway built elsewhere (a gateway/dist of the commit before a
 * change) as `before`, to measure a change side by side; --ours-node-options and
 * --before-node-options set NODE_OPTIONS for each (GC settings, with --compare gateway/dist),
 * by default the deployed ones (deploy/k8s/gateway.yaml).
 *
 * Needs Redis on 127.0.0.1:6379 (our gateway's rate limits; keys under a prefix of their own
 * that expire with the window) and `taskset` (util-linux).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { Pool } from 'undici';
import { parseAllDocuments } from 'yaml';
import { describeMachine, watchMachine, type MachineLoad } from '../machine';
import { option } from '../args';

const hiveVersion = '2.15.1';
const kinds = ['ours', 'apollo', 'hive'] as const;
/** `direct`: the products subgraph itself (single workload); `before`: our gateway built from another tree (--compare). */
type Kind = (typeof kinds)[number] | 'direct' | 'before';

const seconds = Number(option('seconds', '10'));
const rounds = Number(option('rounds', '3'));
const connections = Number(option('connections', '50'));
const workload = option('workload', 'nested');
/** A gateway/dist built from another commit: runs beside ours as `before`, to measure a change. */
const compare = option('compare', '');
/**
 * Node flags for our gateway and for `before`: by default those deployed (the gateway container's
 * NODE_OPTIONS in deploy/k8s/gateway.yaml); `--ours-node-options ''` runs V8's defaults.
 */
const deployedNodeOptions = readDeployedNodeOptions();
const nodeOptions: Partial<Record<Kind, string>> = {
  ours: option('ours-node-options', deployedNodeOptions),
  before: option('before-node-options', deployedNodeOptions),
};
const only = option('only', [...kinds, ...(workload === 'single' ? ['direct'] : []), ...(compare ? ['before'] : [])].join(',')).split(',') as Kind[];

/** The benchmark's query: users and top products, their reviews, the reviews' products and authors, three levels down. */
export const query = `
fragment User on User { id username name }
fragment Review on Review { id body }
fragment Product on Product { inStock name price shippingEstimate upc weight }
query TestQuery {
  users { ...User reviews { ...Review product { ...Product reviews { ...Review author { ...User reviews { ...Review product { ...Product } } } } } } }
  topProducts { ...Product reviews { ...Review author { ...User reviews { ...Review product { ...Product } } } } }
}`;
/** The single workload: a read one subgraph answers alone (the gateway's own overhead, as for our business-by-slug reads). */
export const singleQuery = `query TopProducts { topProducts(first: 5) { upc name price weight } }`;
const body =
  workload === 'single' ? JSON.stringify({ query: singleQuery, operationName: 'TopProducts' }) : JSON.stringify({ query, operationName: 'TestQuery' });
if (workload !== 'single' && workload !== 'nested') throw new Error('--workload is nested or single');

const here = __dirname;
const root = path.resolve(here, '../..');
const jwtSecret = `federation-bench-${randomUUID()}`;
const nodeFlags = ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON'];

/** An access token our gateway accepts (HS256, iss/aud/exp as @waitlessq/auth signs them), distinct per request. */
let tokenCounter = 0;
const tokenHeader = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
function nextToken(): string {
  tokenCounter += 1;
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: `bench-user-${tokenCounter}`, org: 'bench-org', kind: 'customer', iss: 'waitlessq', aud: 'waitlessq-api', iat: now, exp: now + 3600 };
  const unsigned = `${tokenHeader}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${unsigned}.${createHmac('sha256', jwtSecret).update(unsigned).digest('base64url')}`;
}

function readDeployedNodeOptions(): string {
  const manifest = readFileSync(path.resolve(__dirname, '../../deploy/k8s/gateway.yaml'), 'utf8');
  for (const document of parseAllDocuments(manifest)) {
    const deployment = document.toJS() as { kind?: string; spec?: { template?: { spec?: { containers?: { env?: { name: string; value?: string }[] }[] } } } };
    if (deployment.kind !== 'Deployment') continue;
    const env = deployment.spec?.template?.spec?.containers?.[0]?.env ?? [];
    return env.find((variable) => variable.name === 'NODE_OPTIONS')?.value ?? '';
  }
  return '';
}

function firstLine(child: ChildProcess, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${what} exited (${code}) before it was ready`)));
  });
}

function hiveBin(): string {
  const dir = path.join(os.homedir(), '.cache/waitlessq', `hive-gateway-${hiveVersion}`);
  const bin = path.join(dir, 'node_modules/@graphql-hive/gateway/dist/bin.js');
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), '{"name":"hive-gateway-bench","private":true}\n');
    console.log(`installing @graphql-hive/gateway@${hiveVersion} into ${dir}`);
    execFileSync('npm', ['install', '--save-exact', '--no-audit', '--no-fund', `@graphql-hive/gateway@${hiveVersion}`], { cwd: dir, stdio: 'inherit' });
  }
  return bin;
}

async function waitForAnswer(url: string): Promise<string> {
  for (let attempt = 0; attempt < 300; attempt++) {
    try {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${nextToken()}` }, body });
      if (response.ok) return await response.text();
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer the query`);
}

interface Gateway {
  kind: Kind;
  url: string;
  process: ChildProcess;
  answer: string;
}

async function startGateway(kind: Kind, supergraphFile: string, urls: Record<string, string>, port: number): Promise<Gateway> {
  const env = {
    ...process.env,
    FEDERATION_SUPERGRAPH: supergraphFile,
    FEDERATION_URLS: JSON.stringify(urls),
    PORT: String(port),
    JWT_SECRET: jwtSecret,
    IDENTITY_SIGNING_SECRET: `identity-${jwtSecret}`,
    VISIT_TOKEN_SECRET: `visit-${jwtSecret}`,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_KEY_PREFIX: `fedbench:${process.pid}:`,
    // Our trusted documents (partner operations); named here so a --compare build elsewhere finds it too.
    OPERATIONS_MANIFEST_PATH: path.join(root, 'schema/operations/manifest.json'),
  };
  const args =
    kind === 'hive'
      ? [process.execPath, hiveBin(), 'supergraph', supergraphFile, '--port', String(port), '--host', '127.0.0.1']
      : [process.execPath, ...nodeFlags, path.join(here, 'gateway.ts'), kind === 'before' ? 'ours' : kind];
  if (kind === 'before') Object.assign(env, { FEDERATION_GATEWAY_MODULE: path.resolve(compare, 'index.js') });
  if (nodeOptions[kind]) Object.assign(env, { NODE_OPTIONS: nodeOptions[kind] });
  const child = spawn('taskset', ['-c', '1', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const url = kind === 'hive' ? `http://127.0.0.1:${port}/graphql` : await firstLine(child, kind);
  if (kind === 'hive') child.stdout!.resume();
  return { kind, url, process: child, answer: await waitForAnswer(url) };
}

/** Resident memory of a process and its children, in bytes (Hive may fork workers). */
function treeRss(pid: number): number {
  let total = 0;
  const pending = [pid];
  while (pending.length > 0) {
    const current = pending.pop()!;
    try {
      total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${current}/status`, 'utf8'))?.[1] ?? 0) * 1024;
      pending.push(...readFileSync(`/proc/${current}/task/${current}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
    } catch {
      // gone
    }
  }
  return total;
}

function treeCpuTicks(pid: number): number {
  let total = 0;
  const pending = [pid];
  while (pending.length > 0) {
    const current = pending.pop()!;
    try {
      const stat = readFileSync(`/proc/${current}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += Number(fields[11]) + Number(fields[12]);
      pending.push(...readFileSync(`/proc/${current}/task/${current}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
    } catch {
      // gone
    }
  }
  return total;
}

interface GcTotals {
  collections: number;
  pauseMs: number;
  scavenges: number;
}

/** Our gateway's and apollo's garbage collections so far (gateway.ts answers over IPC); undefined for Hive and the subgraph. */
function gcTotals(gateway: Gateway): Promise<GcTotals | undefined> {
  const child = gateway.process;
  if (gateway.kind === 'hive' || gateway.kind === 'direct' || !child.connected) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const timer = setTimeout(() => (child.off('message', onMessage), resolve(undefined)), 5_000);
    const onMessage = (message: { gc?: GcTotals }) => {
      if (!message.gc) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(message.gc);
    };
    child.on('message', onMessage);
    child.send('gc');
  });
}

interface Round {
  kind: Kind;
  round: number;
  requests: number;
  errors: number;
  requestsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  cpuMsPerRequest: number;
  /** GC pause time and minor collections per request (ours and apollo). */
  gcMsPerRequest?: number;
  scavengesPerRequest?: number;
  collectionsPerRequest?: number;
  peakRssMiB: number;
  machine: MachineLoad;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;

async function load(gateway: Gateway, durationSeconds: number, round: number): Promise<Round> {
  const target = new URL(gateway.url);
  const pool = new Pool(target.origin, { connections, pipelining: 1 });
  const latencies: number[] = [];
  let errors = 0;
  let peakRss = treeRss(gateway.process.pid!);
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, treeRss(gateway.process.pid!))), 100);
  const watch = watchMachine();
  const gcBefore = await gcTotals(gateway);
  const ticksBefore = treeCpuTicks(gateway.process.pid!);
  const started = performance.now();
  const deadline = started + durationSeconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const sent = performance.now();
      try {
        const response = await pool.request({
          path: target.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${nextToken()}` },
          body,
        });
        const text = await response.body.text();
        if (response.statusCode !== 200 || text.length !== gateway.answer.length) errors += 1;
        else latencies.push(performance.now() - sent);
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (performance.now() - started) / 1000;
  const ticks = treeCpuTicks(gateway.process.pid!) - ticksBefore;
  const gcAfter = await gcTotals(gateway);
  clearInterval(rssTimer);
  const machine = watch.stop();
  await pool.close();
  latencies.sort((a, b) => a - b);
  const round2 = (value: number) => Math.round(value * 100) / 100;
  return {
    kind: gateway.kind,
    round,
    requests: latencies.length,
    errors,
    requestsPerSecond: round2(latencies.length / elapsed),
    p50Ms: round2(percentile(latencies, 50)),
    p95Ms: round2(percentile(latencies, 95)),
    cpuMsPerRequest: round2(((ticks / 100) * 1000) / Math.max(1, latencies.length)),
    ...(gcBefore && gcAfter
      ? {
          gcMsPerRequest: Math.round(((gcAfter.pauseMs - gcBefore.pauseMs) / Math.max(1, latencies.length)) * 1000) / 1000,
          scavengesPerRequest: Math.round(((gcAfter.scavenges - gcBefore.scavenges) / Math.max(1, latencies.length)) * 1000) / 1000,
          collectionsPerRequest: Math.round(((gcAfter.collections - gcBefore.collections) / Math.max(1, latencies.length)) * 1000) / 1000,
        }
      : {}),
    peakRssMiB: round2(peakRss / 1024 / 1024),
    machine,
  };
}

async function main() {
  // The load generator and the subgraphs share core 0; the gateway under load has core 1.
  execFileSync('taskset', ['-pc', '0', String(process.pid)], { stdio: 'ignore' });
  const subgraphProcess = spawn('taskset', ['-c', '0', process.execPath, ...nodeFlags, path.join(here, 'subgraphs.ts')], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const gateways: Gateway[] = [];
  const stopAll = () => {
    for (const child of new Set([subgraphProcess, ...gateways.map((g) => g.process)])) child.kill();
  };
  process.once('SIGINT', () => (stopAll(), process.exit(130)));
  try {
    const { sdl, urls } = JSON.parse(await firstLine(subgraphProcess, 'the subgraphs')) as { sdl: Record<string, string>; urls: Record<string, string> };
    const composed = composeServices(Object.entries(sdl).map(([name, typeDefs]) => ({ name, typeDefs: parse(typeDefs), url: urls[name] })));
    if (composed.errors) throw new Error(`composition failed: ${composed.errors.map((e) => e.message).join('; ')}`);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'federation-bench-'));
    const supergraphFile = path.join(dir, 'supergraph.graphql');
    writeFileSync(supergraphFile, composed.supergraphSdl);

    let port = 4600 + (process.pid % 200) * 3;
    for (const kind of only) {
      if (kind === 'direct') {
        // The subgraph runs on core 0 with the load generator: its p95 is the floor, its CPU not comparable.
        gateways.push({ kind, url: urls.products!, process: subgraphProcess, answer: await waitForAnswer(urls.products!) });
      } else {
        gateways.push(await startGateway(kind, supergraphFile, urls, port++));
      }
    }
    const reference = JSON.parse(gateways[0]!.answer) as unknown;
    for (const gateway of gateways) {
      // The subgraph itself answers the same data without the gateway's formatting.
      const same = JSON.stringify((JSON.parse(gateway.answer) as { data: unknown }).data) === JSON.stringify((reference as { data: unknown }).data);
      console.log(`${gateway.kind}: ${gateway.url}, answer ${(gateway.answer.length / 1024).toFixed(1)} KiB${same ? '' : ' DIFFERS from the first gateway'}`);
      if (!same) throw new Error(`${gateway.kind} answers differently`);
    }
    console.log(`NODE_OPTIONS: ours "${nodeOptions.ours}"${compare ? `, before "${nodeOptions.before}"` : ''}; apollo V8's defaults`);
    console.log(`warm-up: 3 s each; then ${rounds} rounds of ${seconds} s, ${connections} connections`);
    for (const gateway of gateways) await load(gateway, 3, 0);

    const results: Round[] = [];
    for (let round = 1; round <= rounds; round++) {
      const order = gateways.map((_, i) => gateways[(i + round - 1) % gateways.length]!);
      for (const gateway of order) {
        const result = await load(gateway, seconds, round);
        results.push(result);
        console.log(
          `round ${round} ${gateway.kind.padEnd(6)} ${String(result.requestsPerSecond).padStart(8)} req/s  p50 ${result.p50Ms} ms  p95 ${result.p95Ms} ms  ` +
            `CPU ${result.cpuMsPerRequest} ms/req  GC ${result.gcMsPerRequest ?? '-'} ms/req (${result.collectionsPerRequest ?? '-'} collections, ${result.scavengesPerRequest ?? '-'} minor)  peak RSS ${result.peakRssMiB} MiB  errors ${result.errors}  ${describeMachine(result.machine)}`,
        );
      }
    }
    const summary = summarize(results);
    console.table(summary);
    writeFileSync(
      // One file per workload: a single-read run does not overwrite the nested one.
      path.join(here, workload === 'single' ? 'results-single.json' : 'results.json'),
      `${JSON.stringify({ at: new Date().toISOString(), node: process.version, workload, nodeOptions, seconds, rounds, connections, hiveVersion, summary, rounds_: results }, null, 2)}\n`,
    );
  } finally {
    stopAll();
  }
}

/** Medians over the quiet rounds (over all rounds, marked, when none was quiet), and the ratios to the bare @apollo/gateway. */
function summarize(results: Round[]) {
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? NaN;
  };
  const byKind = new Map<Kind, Round[]>();
  for (const r of results) byKind.set(r.kind, [...(byKind.get(r.kind) ?? []), r]);
  const rows = [...byKind].map(([kind, all]) => {
    const quiet = all.filter((r) => !r.machine.busy);
    const used = quiet.length > 0 ? quiet : all;
    return {
      kind,
      rounds: `${quiet.length}/${all.length} quiet`,
      requestsPerSecond: median(used.map((r) => r.requestsPerSecond)),
      p95Ms: median(used.map((r) => r.p95Ms)),
      cpuMsPerRequest: median(used.map((r) => r.cpuMsPerRequest)),
      gcMsPerRequest: median(used.map((r) => r.gcMsPerRequest ?? NaN)),
      peakRssMiB: Math.max(...all.map((r) => r.peakRssMiB)),
      busy: quiet.length === 0,
    };
  });
  const apollo = rows.find((r) => r.kind === 'apollo');
  return rows.map((row) => ({
    ...row,
    rpsVsApollo: apollo ? Math.round((row.requestsPerSecond / apollo.requestsPerSecond) * 100) / 100 : NaN,
    p95VsApollo: apollo ? Math.round((row.p95Ms / apollo.p95Ms) * 100) / 100 : NaN,
    rssVsApollo: apollo ? Math.round((row.peakRssMiB / apollo.peakRssMiB) * 100) / 100 : NaN,
  }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
