/**
 * What a subgraph call costs the gateway's process, by the client that makes it: the gateway's
 * own (`createSubgraphPool`, undici's `dispatch` with a handler that gathers the answer), the one
 * it used before (undici's `Pool.request()` and `body.text()`), and Node's `fetch` (the first).
 *
 * An upstream process answers every POST with the same JSON (`--bytes`, default the size of the
 * display screen's queue summary). Each client runs in a process of its own, calling it at a
 * fixed rate (`--rate`, open loop) for `--seconds` after a warm-up. Each call holds, across its
 * await, a graph the size of a gateway request's (`--held` small objects), as Apollo's request
 * pipeline does; what a client keeps alive to the garbage collector keeps that graph alive too.
 * Per round and client:
 *   - CPU per call (user + system of the client's process over the measured span);
 *   - the young generation's collections (scavenges): how many, their median survivors (bytes
 *     left in the young generation after one, from V8's GCProfiler) and their time per call;
 *   - full collections and their time per call.
 * Rounds rotate the order; the machine's load is recorded per round and a busy round is marked.
 *
 *   npx tsx loadtests/subgraph-client/bench.ts [--rate 150] [--seconds 10] [--rounds 5] [--bytes 1200] [--held 200]
 *
 * 127.0.0.1 only.
 */
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import v8 from 'node:v8';
import { Pool } from 'undici';
import { createSubgraphPool } from '../../gateway/src/subgraph-pool';
import { describeMachine, quietRounds, watched, type MachineLoad } from '../machine';
import { median } from '../stats';
import { option } from '../args';

const rate = Number(option('rate', '150'));
const seconds = Number(option('seconds', '10'));
const rounds = Number(option('rounds', '5'));
const bytes = Number(option('bytes', '1200'));
const held = Number(option('held', '200'));
const warmupSeconds = 2;

const clients = ['dispatch', 'request', 'fetch'] as const;
type Client = (typeof clients)[number];
type Call = (url: string, body: string) => Promise<string>;

/** The gateway's client, its former one, and Node's fetch: each returns the answer's text. */
function makeClient(client: Client, url: string): Call {
  const headers = { 'content-type': 'application/json' };
  if (client === 'dispatch') {
    const { fetcher } = createSubgraphPool(url);
    return async (target, body) => (await fetcher(target, { method: 'POST', headers, body })).text();
  }
  if (client === 'request') {
    // gateway/src/subgraph-pool.ts before 6916fda.
    const target = new URL(url);
    const pool = new Pool(target.origin, { connections: 128 });
    return async (_target, body) => {
      const response = await pool.request({ path: target.pathname, method: 'POST', headers, body });
      return response.body.text();
    };
  }
  return async (target, body) => (await fetch(target, { method: 'POST', headers, body })).text();
}

interface ChildResult {
  calls: number;
  cpuUsPerCall: number;
  scavenges: number;
  scavengeSurvivorsMedianBytes: number;
  scavengeUsPerCall: number;
  fullCollections: number;
  fullCollectionUsPerCall: number;
}

/** A child: one client at the fixed rate, each call holding a request-sized graph across its await. */
async function child(client: Client, url: string): Promise<void> {
  const call = makeClient(client, url);
  const body = JSON.stringify({ query: 'query DisplayQueueSummary($id: ID!) { queue(id: $id) { id name waiting } }', variables: { id: 'q-1' } });
  const expected = bytes;
  const one = async (n: number) => {
    const graph = Array.from({ length: held }, (_, i) => ({ n, i, name: `item-${i}`, tags: [i, n] }));
    const text = await call(url, body);
    if (text.length !== expected || graph.length !== held) throw new Error(`unexpected answer of ${text.length} characters`);
  };
  const run = async (forSeconds: number) => {
    const started = performance.now();
    const pending = new Set<Promise<void>>();
    let sent = 0;
    while (performance.now() - started < forSeconds * 1_000) {
      const due = Math.floor(((performance.now() - started) / 1_000) * rate);
      for (; sent < due; sent++) {
        const p = one(sent).finally(() => pending.delete(p));
        pending.add(p);
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await Promise.all(pending);
    return sent;
  };
  await run(warmupSeconds);
  const profiler = new v8.GCProfiler();
  profiler.start();
  const cpu = process.cpuUsage();
  const calls = await run(seconds);
  const used = process.cpuUsage(cpu);
  const gc = profiler.stop();
  const newSpaceAfter = (entry: (typeof gc.statistics)[number]) =>
    entry.afterGC.heapSpaceStatistics.find((space) => space.spaceName === 'new_space')?.spaceUsedSize ?? 0;
  const scavenges = gc.statistics.filter((entry) => entry.gcType === 'Scavenge');
  const full = gc.statistics.filter((entry) => entry.gcType === 'MarkSweepCompact');
  const survivors = scavenges.map(newSpaceAfter).sort((a, b) => a - b);
  const result: ChildResult = {
    calls,
    cpuUsPerCall: (used.user + used.system) / calls,
    scavenges: scavenges.length,
    scavengeSurvivorsMedianBytes: survivors[Math.floor(survivors.length / 2)] ?? 0,
    scavengeUsPerCall: scavenges.reduce((sum, entry) => sum + entry.cost, 0) / calls,
    fullCollections: full.length,
    fullCollectionUsPerCall: full.reduce((sum, entry) => sum + entry.cost, 0) / calls,
  };
  process.stdout.write(JSON.stringify(result));
  process.exit(0);
}

/** The upstream: answers every POST with `bytes` of JSON, keep-alive, and prints its URL. */
function upstream(): void {
  const prefix = '{"data":{"queue":{"id":"q-1","name":"';
  const answer = `${prefix}${'x'.repeat(bytes - prefix.length - 4)}"}}}`;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) }).end(answer));
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql\n`));
}

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '../..');
  const server = spawn(process.execPath, ['--import', 'tsx', __filename, '--upstream', '--bytes', String(bytes)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = (await new Promise<string>((resolve) => createInterface({ input: server.stdout! }).once('line', resolve))).trim();
  console.log(`node ${process.version}; ${rate} calls/s for ${seconds} s per client and round, ${bytes} bytes per answer, ${held} objects held per call`);
  const samples = new Map<Client, (ChildResult & { round: number; machine: MachineLoad })[]>();
  try {
    for (let round = 0; round < rounds; round++) {
      const order = clients.map((_, i) => clients[(i + round) % clients.length]!);
      for (const client of order) {
        const { result, machine } = await watched(async () => {
          const out = execFileSync(
            process.execPath,
            [
              '--import',
              'tsx',
              __filename,
              '--child',
              client,
              '--url',
              url,
              ...['--rate', String(rate), '--seconds', String(seconds), '--bytes', String(bytes), '--held', String(held)],
            ],
            { cwd: root, encoding: 'utf8' },
          );
          return JSON.parse(out) as ChildResult;
        });
        samples.set(client, [...(samples.get(client) ?? []), { ...result, round: round + 1, machine }]);
        console.log(
          `round ${round + 1} ${client.padEnd(8)} CPU ${result.cpuUsPerCall.toFixed(0)} µs/call, ${result.scavenges} scavenges (survivors ${(result.scavengeSurvivorsMedianBytes / 1e6).toFixed(2)} MB, ${result.scavengeUsPerCall.toFixed(1)} µs/call), ${result.fullCollections} full (${result.fullCollectionUsPerCall.toFixed(1)} µs/call)  ${describeMachine(machine)}`,
        );
      }
    }
  } finally {
    server.kill();
  }
  const summary = clients.map((client) => {
    const all = samples.get(client)!;
    const { used, label } = quietRounds(all);
    const dispatchCpu = (round: number) => samples.get('dispatch')!.find((sample) => sample.round === round)!.cpuUsPerCall;
    return {
      client,
      rounds: label,
      cpuUsPerCall: round1(median(used.map((sample) => sample.cpuUsPerCall))),
      cpuVsDispatch: round2(median(used.map((sample) => sample.cpuUsPerCall / dispatchCpu(sample.round)))),
      scavengeSurvivorsMB: round2(median(used.map((sample) => sample.scavengeSurvivorsMedianBytes)) / 1e6),
      scavengeUsPerCall: round1(median(used.map((sample) => sample.scavengeUsPerCall))),
      fullCollectionUsPerCall: round1(median(used.map((sample) => sample.fullCollectionUsPerCall))),
    };
  });
  console.table(summary);
  const file = path.join(__dirname, 'results.json');
  writeFileSync(
    file,
    JSON.stringify(
      { at: new Date().toISOString(), node: process.version, rate, seconds, rounds, bytes, held, summary, samples: Object.fromEntries(samples) },
      null,
      2,
    ) + '\n',
  );
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

const round1 = (value: number) => Math.round(value * 10) / 10;
const round2 = (value: number) => Math.round(value * 100) / 100;

const childAt = process.argv.indexOf('--child');
void (
  process.argv.includes('--upstream') ? Promise.resolve(upstream()) : childAt >= 0 ? child(process.argv[childAt + 1] as Client, option('url', '')) : main()
).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
