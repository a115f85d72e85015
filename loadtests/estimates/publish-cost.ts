/**
 * What keeping every waiting visit's latest estimate current costs per change of a line: the
 * event publisher (subgraphs/queue/src/events/publisher.ts) reads the line once and writes the
 * changed estimates in one UPDATE. For lines of several lengths, the head of the line is called
 * (a plain SQL update, outside the measurement) and the change published: every visit behind
 * moves up, so every estimate changes and is rewritten. Measured per publish: latency
 * (p50/p95), statements (with BEGIN and COMMIT: the lock, the one read, the one write, the
 * sequence), rows written; and the same publish when nothing moved (no write) as the baseline.
 *
 *   npx tsx --tsconfig loadtests/estimates/tsconfig.json loadtests/estimates/publish-cost.ts [--changes 30] [--fillfactors 100,70] [--rounds 2]
 *
 * With --fillfactors, each line length is measured once per fillfactor of the "Visit" table per
 * round, alternating (the order flips every round), the table rewritten to that fillfactor
 * (VACUUM FULL) before each measurement: the migration's 70 against PostgreSQL's default 100,
 * side by side in one run. The rows HOT-updated (no index written) are counted from
 * pg_stat_user_tables.
 *
 * Each line length records the machine's load (loadtests/machine.ts) and is marked busy when
 * processes outside the benchmark took CPU. Needs PostgreSQL on 127.0.0.1:5432 and Redis on
 * 6379, like the integration tests.
 */
import os from 'node:os';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PrismaClient } from '@waitlessq/database';
import { createEventLog } from '@waitlessq/redis';
import type { ServiceRuntime } from '@waitlessq/subgraph-kit';
import { createQueueEventPublisher } from '../../subgraphs/queue/src/events';
import { describeMachine, watched } from '../machine';
import { ok } from '@waitlessq/testkit';
import { startQueueHarness, type QueueHarness } from '../../subgraphs/queue/src/test-support/harness';
import { createQueueOp } from '../../subgraphs/queue/src/test-support/operations';

const changesIndex = process.argv.indexOf('--changes');
const changes = changesIndex >= 0 ? Number(process.argv[changesIndex + 1]) : 30;
const lengths = [100, 1_000, 5_000];
const option = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
/** The table's fillfactors to compare; none: the table as the migrations leave it. */
const fillfactors = (option('--fillfactors') ?? '').split(',').filter(Boolean).map(Number);
const rounds = Number(option('--rounds') ?? 2);

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))];
const round = (value: number) => Math.round(value * 10) / 10;

async function measureLine(harness: QueueHarness, length: number) {
  const tenant = await harness.createTenant({ serviceMinutes: [10] });
  const input = { businessId: tenant.businessId, name: `Line of ${length}` };
  const queueId = ok(await harness.call<{ createQueue: { id: string } }>(tenant.staff('MANAGER'), createQueueOp, { input })).createQueue.id;
  await harness.prisma.$executeRaw`
    INSERT INTO "Visit" ("id", "organizationId", "queueId", "businessId", "customerName", "status", "ticketNumber", "ticket",
                         "joinedAt", "lineAt", "expectedServiceMinutes", "updatedAt")
    SELECT gen_random_uuid(), ${tenant.organizationId}::uuid, ${queueId}::uuid, ${tenant.businessId}::uuid, 'Visitor ' || i,
           'WAITING'::"VisitStatus", i, 'A-' || i, now() - make_interval(secs => ${length} - i), now() - make_interval(secs => ${length} - i), 10, now()
    FROM generate_series(1, ${length}) i`;

  const before = await updateCounts(harness);
  let statements = 0;
  const primary = harness.runtime.db.primary.$extends({
    query: {
      async $allOperations({ args, query }) {
        statements += 1;
        return query(args);
      },
    },
  }) as unknown as PrismaClient;
  const runtime: ServiceRuntime = { ...harness.runtime, db: { ...harness.runtime.db, primary } };
  const publisher = createQueueEventPublisher(runtime, { log: createEventLog(harness.runtime.redis, { retentionMs: 60_000 }) });
  // The first publish gives every visit its first latest estimate.
  await publisher.publish(queueId, { kind: 'QUEUE_UPDATED', visitIds: [] });

  const moved: number[] = [];
  const still: number[] = [];
  let movedStatements = 0;
  let stillStatements = 0;
  for (let i = 0; i < changes; i += 1) {
    const [head] = await harness.prisma.$queryRaw<{ id: string }[]>`
      UPDATE "Visit" SET "status" = 'CALLED', "calledAt" = now() WHERE "id" = (
        SELECT "id" FROM "Visit" WHERE "queueId" = ${queueId}::uuid AND "status" = 'WAITING' ORDER BY "lineAt" LIMIT 1)
      RETURNING "id"`;
    statements = 0;
    let started = performance.now();
    await publisher.publish(queueId, { kind: 'CALLED', visitIds: [head.id] });
    moved.push(performance.now() - started);
    movedStatements = statements;
    statements = 0;
    started = performance.now();
    await publisher.publish(queueId, { kind: 'QUEUE_UPDATED', visitIds: [] });
    still.push(performance.now() - started);
    stillStatements = statements;
  }
  const hot = await updateCounts(harness, fillfactors.length > 0);
  const stale = await harness.prisma.$queryRaw<{ count: number }[]>`
    SELECT count(*)::int AS "count" FROM "Visit" WHERE "queueId" = ${queueId}::uuid AND "status" = 'WAITING' AND "latestEstimateMinutes" IS NULL`;
  return {
    waiting: length,
    // Each call moves everyone behind up one place: all their estimates change.
    rowsWrittenPerChange: `${length - changes} to ${length - 1}`,
    moved: { p50Ms: round(percentile(moved, 0.5)), p95Ms: round(percentile(moved, 0.95)), prismaOperations: movedStatements },
    unchanged: { p50Ms: round(percentile(still, 0.5)), p95Ms: round(percentile(still, 0.95)), prismaOperations: stillStatements },
    visitsWithoutLatestEstimate: stale[0].count,
    /** Of the table's row updates during this line's changes (its calls, publishes and their estimates), the share that wrote no index. */
    hotUpdatePercent: fillfactors.length > 0 ? round((100 * (hot.hot - before.hot)) / Math.max(1, hot.updated - before.updated)) : undefined,
  };
}

/** The table's row updates so far, and how many of them were HOT. */
async function updateCounts(harness: QueueHarness, settle = false): Promise<{ updated: number; hot: number }> {
  // A backend's counts reach pg_stat_user_tables when it flushes them, at most 10 s after going idle.
  if (settle) await new Promise((resolve) => setTimeout(resolve, 11_000));
  const [row] = await harness.prisma.$queryRaw<{ updated: number; hot: number }[]>`
    SELECT n_tup_upd::int AS "updated", n_tup_hot_upd::int AS "hot" FROM pg_stat_user_tables WHERE relname = 'Visit'`;
  return row;
}

async function setFillfactor(harness: QueueHarness, fillfactor: number): Promise<void> {
  await harness.prisma.$executeRawUnsafe(`ALTER TABLE "Visit" SET (fillfactor = ${fillfactor})`);
  await harness.prisma.$executeRawUnsafe('VACUUM FULL "Visit"');
}

async function main() {
  const harness = await startQueueHarness();
  try {
    const results = [];
    for (const length of lengths) {
      if (fillfactors.length === 0) {
        const { result, machine } = await watched(() => measureLine(harness, length));
        console.log(`line of ${length}: ${describeMachine(machine)}`);
        results.push({ ...result, machine });
        continue;
      }
      for (let r = 0; r < rounds; r++) {
        for (const fillfactor of r % 2 === 0 ? fillfactors : [...fillfactors].reverse()) {
          await setFillfactor(harness, fillfactor);
          const { result, machine } = await watched(() => measureLine(harness, length));
          console.log(
            `line of ${length}, fillfactor ${fillfactor}, round ${r + 1}: moved p50 ${result.moved.p50Ms} ms, HOT ${result.hotUpdatePercent} %; ${describeMachine(machine)}`,
          );
          results.push({ fillfactor, round: r + 1, ...result, machine });
        }
      }
    }
    const report = { changes, cores: os.cpus().length, fillfactors, results };
    console.log(JSON.stringify(report, null, 2));
    writeFileSync(path.join(__dirname, 'publish-cost.json'), `${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await harness.close();
  }
}

void main();
