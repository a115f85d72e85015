/**
 * What AsyncLocalStorage costs a request, on the Node the services run on (24), side by side
 * with passing the scope by hand, and with Node's former implementation (async hooks, the
 * default before Node 24, `--no-async-context-frame` on 24) for reference.
 *
 * A simulated request has the shape of ours: one scope opened per request (the gateway's edge
 * scope, subgraph-kit's database scope), `--hops` awaits across nested async functions (Apollo's
 * plugin hooks, resolvers, DataLoader), `--reads` lookups of the scope (plugins, the read
 * router) and `--queries` database operations, each with its own inner scope (query-metrics'
 * routedTo) and an I/O turn (setImmediate). Variants:
 *   - explicit: the scope is an argument; no AsyncLocalStorage is ever created in the process;
 *   - als:      the same work, the scope from AsyncLocalStorage (run per request, getStore per read,
 *               run per query).
 * Each (node mode, variant) runs in a process of its own (so `explicit` never sees a store the
 * other variant enabled), for --seconds, round after round in rotated order; CPU per request is
 * the process's user+system time over the measured span. The machine's load is recorded per round.
 *
 *   npx tsx loadtests/async-scope/bench.ts [--seconds 3] [--rounds 5] [--hops 300] [--reads 10] [--queries 3] [--concurrency 50]
 */
import { execFileSync } from 'node:child_process';
import { AsyncLocalStorage } from 'node:async_hooks';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeMachine, watched, type MachineLoad } from '../machine';
import { option } from '../args';

const seconds = Number(option('seconds', '3'));
const rounds = Number(option('rounds', '5'));
const hops = Number(option('hops', '300'));
const reads = Number(option('reads', '10'));
const queries = Number(option('queries', '3'));
const concurrency = Number(option('concurrency', '50'));

type Variant = 'explicit' | 'als';
interface Scope {
  requestId: string;
  wrote: boolean;
}

/** One simulated request; `lookup` is how code below the handler finds the scope. */
async function request(scope: Scope, variant: Variant, storage: AsyncLocalStorage<Scope> | undefined, inner: AsyncLocalStorage<object> | undefined) {
  const lookup = variant === 'als' ? () => storage!.getStore()! : () => scope;
  let seen = 0;
  const step = async (i: number) => {
    if (i % Math.max(1, Math.floor(hops / reads)) === 0 && seen < reads) {
      seen++;
      if (lookup().wrote) throw new Error('unexpected');
    }
    return i;
  };
  const query = async () => {
    const io = () => new Promise<void>((resolve) => setImmediate(resolve));
    // The same async wrapper both ways: only the inner scope differs.
    const measured = async () => await io();
    return variant === 'als' ? inner!.run({ target: 'primary' }, measured) : measured();
  };
  const perQuery = Math.max(1, Math.floor(hops / Math.max(1, queries)));
  for (let i = 0; i < hops; i++) {
    await step(i);
    if (queries > 0 && i % perQuery === 0) await query();
  }
}

/** The child: runs one variant for --seconds after a warm-up, prints its CPU per request. */
async function child(variant: Variant) {
  const storage = variant === 'als' ? new AsyncLocalStorage<Scope>() : undefined;
  const inner = variant === 'als' ? new AsyncLocalStorage<object>() : undefined;
  let done = 0;
  let stopAt = 0;
  const one = (n: number) => {
    const scope: Scope = { requestId: String(n), wrote: false };
    return variant === 'als' ? storage!.run(scope, () => request(scope, variant, storage, inner)) : request(scope, variant, undefined, undefined);
  };
  const loop = async () => {
    while (performance.now() < stopAt) {
      await one(done);
      done++;
    }
  };
  const run = async (forSeconds: number) => {
    done = 0;
    stopAt = performance.now() + forSeconds * 1000;
    await Promise.all(Array.from({ length: concurrency }, loop));
    return done;
  };
  await run(Math.min(1, seconds));
  const cpu = process.cpuUsage();
  const requests = await run(seconds);
  const used = process.cpuUsage(cpu);
  process.stdout.write(JSON.stringify({ requests, cpuUsPerRequest: (used.user + used.system) / requests }));
}

const modes = [
  { name: 'node 24 (AsyncContextFrame)', flags: [] as string[] },
  { name: 'node 24 --no-async-context-frame (async hooks, as Node 20/22)', flags: ['--no-async-context-frame'] },
];
const variants: Variant[] = ['explicit', 'als'];

async function main() {
  const childArgs = (variant: Variant) => [
    ...['--import', 'tsx', __filename, '--child', variant],
    ...['--seconds', String(seconds), '--hops', String(hops), '--reads', String(reads), '--queries', String(queries), '--concurrency', String(concurrency)],
  ];
  const cells = modes.flatMap((mode) => variants.map((variant) => ({ mode: mode.name, flags: mode.flags, variant })));
  const samples = new Map<string, number[]>();
  const machines: MachineLoad[] = [];
  console.log(`node ${process.version}; ${hops} awaits, ${reads} scope reads, ${queries} queries per request; ${concurrency} in flight`);
  for (let round = 0; round < rounds; round++) {
    const order = cells.map((_, i) => cells[(i + round) % cells.length]);
    const { machine } = await watched(async () => {
      for (const cell of order) {
        const out = execFileSync(process.execPath, [...cell.flags, ...childArgs(cell.variant)], { cwd: path.resolve(__dirname, '../..'), encoding: 'utf8' });
        const { cpuUsPerRequest } = JSON.parse(out) as { cpuUsPerRequest: number };
        const key = `${cell.mode} | ${cell.variant}`;
        samples.set(key, [...(samples.get(key) ?? []), cpuUsPerRequest]);
      }
    });
    machines.push(machine);
    console.log(`round ${round + 1}: ${describeMachine(machine)}`);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const results = modes.map((mode) => {
    const explicit = median(samples.get(`${mode.name} | explicit`)!);
    const als = median(samples.get(`${mode.name} | als`)!);
    return {
      mode: mode.name,
      explicitUsPerRequest: round2(explicit),
      alsUsPerRequest: round2(als),
      alsMinusExplicitUs: round2(als - explicit),
      ratio: round2(als / explicit),
    };
  });
  for (const r of results)
    console.log(`${r.mode}: explicit ${r.explicitUsPerRequest} us, als ${r.alsUsPerRequest} us CPU per request (+${r.alsMinusExplicitUs} us, ${r.ratio}x)`);
  const file = path.join(__dirname, 'results.json');
  writeFileSync(
    file,
    JSON.stringify(
      { node: process.version, hops, reads, queries, concurrency, seconds, rounds, results, samples: Object.fromEntries(samples), machines },
      null,
      2,
    ) + '\n',
  );
  console.log(`written ${path.relative(process.cwd(), file)}`);
}

const round2 = (value: number) => Math.round(value * 100) / 100;

const childAt = process.argv.indexOf('--child');
void (childAt >= 0 ? child(process.argv[childAt + 1] as Variant) : main()).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
