/**
 * The database scope's share of a request, through the real client stack (createDatabase: query
 * metrics, read router, a streaming replica), and what the alternative to AsyncLocalStorage would
 * cost: a Prisma client created per request (`$extends`), which a GraphQL context could carry.
 *
 * A request is what subgraph-kit does for a read: runInRequestScope (a staff actor, so the write
 * tracker is asked once) and --reads model reads routed to the replica. Variants, interleaved
 * round after round in this one process:
 *   - scope:           db.prisma inside the request scope (today's path);
 *   - per-request:     the same, through `db.prisma.$extends(...)` created for the request (the
 *                      price of a client the context could carry, on top of today's path).
 * Beside them, the AsyncLocalStorage operations a request performs (one run for the request, one
 * run per operation in query-metrics, two getStore per operation) are timed in a tight loop in
 * this process, to give their share of the request's CPU.
 *
 *   npm run build -w @waitlessq/database && npx tsx loadtests/async-scope/prisma-scope.ts [--seconds 4] [--rounds 5] [--reads 3] [--concurrency 8]
 *   node --cpu-prof --cpu-prof-dir=<dir> --import tsx loadtests/async-scope/prisma-scope.ts --profiling   (then profile-share.ts)
 *
 * Needs PostgreSQL on 127.0.0.1:5432 and its streaming replica on 5433 (scripts/replica/start-replica.sh).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '@waitlessq/config';
import { createDatabase, runInRequestScope, type Database } from '@waitlessq/database';
import { createLogger } from '@waitlessq/observability';
import { createTestDatabase } from '@waitlessq/testkit';
import { describeMachine, watched, type MachineLoad } from '../machine';
import { option } from '../args';

const seconds = Number(option('seconds', '4'));
const rounds = Number(option('rounds', '5'));
const reads = Number(option('reads', '3'));
const concurrency = Number(option('concurrency', '8'));
/** For a run under --cpu-prof: skips the tight loop of AsyncLocalStorage operations, which would dominate the profile. */
const profiling = process.argv.includes('--profiling');

type Variant = 'scope' | 'per-request';
const variants: Variant[] = ['scope', 'per-request'];

async function request(db: Database, variant: Variant, id: string) {
  await runInRequestScope({ actorKey: 'staff:bench', requestId: 'bench' }, async () => {
    const client =
      variant === 'scope' ? db.prisma : db.prisma.$extends({ name: 'request-client', query: { $allOperations: ({ args, query }) => query(args) } });
    for (let i = 0; i < reads; i++) await client.organization.findUnique({ where: { id } });
  });
}

async function measure(db: Database, variant: Variant, id: string, forSeconds: number) {
  let done = 0;
  const stopAt = performance.now() + forSeconds * 1000;
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < stopAt) {
        await request(db, variant, id);
        done++;
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  return { requests: done, cpuUsPerRequest: (used.user + used.system) / done };
}

/** ns per AsyncLocalStorage run (inside another store, as query-metrics' is) and per getStore. */
function alsPrimitives() {
  const outer = new AsyncLocalStorage<object>();
  const inner = new AsyncLocalStorage<object>();
  const n = 1_000_000;
  let sink = 0;
  const fn = () => void sink++;
  return outer.run({}, () => {
    const time = (body: () => void) => {
      body();
      const started = process.cpuUsage();
      body();
      const used = process.cpuUsage(started);
      return ((used.user + used.system) * 1000) / n;
    };
    const runNs = time(() => {
      for (let i = 0; i < n; i++) inner.run({ i }, fn);
    });
    const getNs = time(() => {
      for (let i = 0; i < n; i++) if (outer.getStore()) sink++;
    });
    return { runNs, getNs };
  });
}

async function main() {
  const testDb = await createTestDatabase();
  const replicaUrl = new URL(testDb.url);
  replicaUrl.port = '5433';
  const config = loadConfig('queue', { NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: testDb.url, DATABASE_REPLICA_URLS: replicaUrl.toString() });
  const db = await createDatabase(config.database, createLogger('async-scope-bench', 'silent'));
  try {
    const org = await db.primary.organization.create({ data: { name: 'ALS bench', slug: `als-bench-${Date.now()}` } });
    // Until the row reaches the replica, reads would find nothing (and still count): wait for it.
    for (let i = 0; i < 100; i++) {
      const seen = await runInRequestScope({ actorKey: null }, () => db.prisma.organization.findUnique({ where: { id: org.id } }));
      if (seen) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    for (const variant of variants) await measure(db, variant, org.id, 1);
    const samples: Record<Variant, number[]> = { scope: [], 'per-request': [] };
    const machines: MachineLoad[] = [];
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? variants : [...variants].reverse();
      const { machine } = await watched(async () => {
        for (const variant of order) samples[variant].push((await measure(db, variant, org.id, seconds)).cpuUsPerRequest);
      });
      machines.push(machine);
      console.log(`round ${round + 1}: ${variants.map((v) => `${v} ${samples[v].at(-1)!.toFixed(0)} us`).join(', ')}; ${describeMachine(machine)}`);
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const scope = median(samples.scope);
    const perRequest = median(samples['per-request']);
    const { runNs, getNs } = profiling ? { runNs: NaN, getNs: NaN } : alsPrimitives();
    const alsUs = ((1 + reads) * runNs + 2 * reads * getNs) / 1000;
    const summary = {
      scopeUsPerRequest: Math.round(scope),
      perRequestClientUsPerRequest: Math.round(perRequest),
      perRequestClientExtraUs: Math.round(perRequest - scope),
      alsRunNs: Math.round(runNs),
      alsGetStoreNs: Math.round(getNs),
      alsUsPerRequest: Math.round(alsUs * 100) / 100,
      alsShareOfRequest: Math.round((alsUs / scope) * 10000) / 10000,
    };
    console.log(summary);
    if (!profiling)
      writeFileSync(
        path.join(__dirname, 'prisma-results.json'),
        `${JSON.stringify({ at: new Date().toISOString(), node: process.version, seconds, rounds, reads, concurrency, summary, samples, machines }, null, 2)}\n`,
      );
  } finally {
    await db.close();
    await testDb.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
