/**
 * Retention benchmark (issue 11): how fast the daily `retention` job clears a long history.
 *
 *   npx tsx --tsconfig loadtests/retention/tsconfig.json loadtests/retention/bench.ts [--visits 200000] [--customers 20000] [--window 20000]
 *
 * In a scratch database (the queue test harness): one organization with `--visits` ended
 * visits created before the cutoff (365 days ago) with every personal field set (name, phone,
 * email, both notes, customer link, token hash, language) and one customer-acted history event
 * each, `--window` ended visits inside the window, `--customers` customers created two years ago
 * (the first half linked to visits inside the window, so kept; the second half only to old
 * visits, so deleted) and 5,000 old push subscriptions; all seeded in bulk with SQL, then ANALYZE.
 * Then the retention handler's steps in its order (workers/src/handlers.ts 'retention'):
 * applyVisitRetention, deletePushSubscriptionsBefore, customersWithVisitsSince +
 * deleteInactiveCustomers, each timed and its statements counted (Prisma operations below the
 * client); then the same steps again (the no-op pass over a cleared history), and the first
 * batch statement of each pass under EXPLAIN ANALYZE (rows read and discarded); then the no-op
 * pass once more after VACUUM (ANALYZE) "Visit", as it runs once autovacuum has been by. Each phase
 * records the machine's load (loadtests/machine.ts) and is marked busy when processes outside the
 * benchmark took CPU.
 */
import os from 'node:os';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '@waitlessq/database';
import { seedFinishedVisits, type HistoryTarget } from '../../subgraphs/queue/src/insights/history-seed';
import { applyVisitRetention, customersWithVisitsSince } from '../../subgraphs/queue/src/retention/retention';
import { deletePushSubscriptionsBefore } from '../../subgraphs/pwa/src/retention';
import { deleteInactiveCustomers } from '../../subgraphs/user/src/retention/retention';
import { startQueueHarness } from '../../subgraphs/queue/src/test-support/harness';
import { describeMachine, watched, type MachineLoad } from '../machine';

const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const oldVisits = argument('visits', 200_000);
const windowVisits = argument('window', 20_000);
const customers = argument('customers', 20_000);
const pushSubscriptions = 5_000;
const day = 86_400_000;

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

interface Phase {
  name: string;
  machine: MachineLoad;
  seconds: number;
  [figure: string]: unknown;
}

async function phase(name: string, run: () => Promise<Record<string, unknown>>): Promise<Phase> {
  const started = performance.now();
  const { result: figures, machine } = await watched(run);
  const seconds = round((performance.now() - started) / 1000, 2);
  const result = { name, machine, seconds, ...figures };
  console.log(JSON.stringify(result));
  console.log(`  ${name}: ${describeMachine(machine)}`);
  return result;
}

/** The first batch of applyVisitRetention's keyset (its CTE `batch`, without the row locks) under EXPLAIN ANALYZE. */
async function explainFirstVisitBatch(prisma: PrismaClient, organizationId: string, cutoff: Date) {
  const [row] = await prisma.$queryRaw<{ 'QUERY PLAN': [{ 'Execution Time': number; Plan: PlanNode }] }[]>`
    EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)
    SELECT "id", "createdAt" FROM "Visit"
    WHERE "organizationId" = ${organizationId}::uuid AND "createdAt" < ${cutoff}::timestamp(3)
      AND ("createdAt", "id") > (${new Date(0)}::timestamp(3), ${'00000000-0000-0000-0000-000000000000'}::uuid)
      AND "status" IN ('DONE', 'NO_SHOW', 'CANCELLED')
      AND ("customerName" <> '' OR "customerPhone" IS NOT NULL OR "customerEmail" IS NOT NULL OR "customerNotes" IS NOT NULL
        OR "internalNotes" IS NOT NULL OR "customerId" IS NOT NULL OR "visitTokenHash" IS NOT NULL OR "locale" IS NOT NULL)
    ORDER BY "createdAt", "id"
    LIMIT 1000`;
  const [{ 'Execution Time': executionMs, Plan }] = row['QUERY PLAN'];
  const nodes: string[] = [];
  const walk = (node: PlanNode, depth: number) => {
    nodes.push(
      `${'  '.repeat(depth)}${node['Node Type']}${node['Index Name'] ? ` using ${node['Index Name']}` : ''}${node['Relation Name'] ? ` on ${node['Relation Name']}` : ''}: ${round(node['Actual Total Time'])} ms, ${node['Actual Rows']} rows${node['Rows Removed by Filter'] !== undefined ? `, ${node['Rows Removed by Filter']} removed by filter` : ''}, ${(node['Shared Hit Blocks'] ?? 0) + (node['Shared Read Blocks'] ?? 0)} blocks`,
    );
    for (const child of node.Plans ?? []) walk(child, depth + 1);
  };
  walk(Plan, 0);
  return { executionMs: round(executionMs), nodes };
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Actual Rows': number;
  'Actual Total Time': number;
  'Rows Removed by Filter'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

async function main() {
  const harness = await startQueueHarness({ DATABASE_STATEMENT_TIMEOUT_MS: '600000' });
  try {
    const tenant = await harness.createTenant({ timezone: 'Europe/Berlin', serviceMinutes: [10, 15, 30] });
    const { organizationId, businessId } = tenant;
    const prisma = harness.prisma;
    // The handler's Prisma client, counted: every operation the steps send is one statement.
    const counted = harness.runtime.db.prisma;
    const queueIds: string[] = [];
    for (const name of ['Counter', 'Pharmacy']) {
      queueIds.push((await prisma.queue.create({ data: { organizationId, businessId, name, timezone: 'Europe/Berlin' } })).id);
    }
    const target: HistoryTarget = {
      organizationId,
      businessId,
      queueIds,
      serviceIds: tenant.serviceIds,
      staffIds: Array.from({ length: 10 }, () => randomUUID()),
    };
    // The handler's cutoff for the default policy (dataRetentionDays 365).
    const cutoff = new Date(Date.now() - 365 * day);
    const customerIds = Array.from({ length: customers }, () => randomUUID());
    const kept = customerIds.slice(0, Math.floor(customers / 2));
    const phases: Phase[] = [];

    phases.push(
      await phase('seed', async () => {
        const old = await seedFinishedVisits(prisma, target, { count: oldVisits, from: new Date(cutoff.getTime() - 360 * day), days: 350 });
        // Personal fields on every old visit; customers round-robin over all of them.
        const personal = await prisma.$executeRaw`
        UPDATE "Visit" v SET "customerName" = 'Ada ' || s.rn, "customerPhone" = '+4915100' || s.rn, "customerEmail" = 'ada' || s.rn || '@example.com',
          "customerNotes" = 'window seat', "internalNotes" = 'regular', "locale" = 'de',
          "visitTokenHash" = md5(v."id"::text), "customerId" = (${customerIds}::uuid[])[1 + s.rn % ${customers}]
        FROM (SELECT "id", row_number() OVER (ORDER BY "id") AS rn FROM "Visit" WHERE "organizationId" = ${organizationId}::uuid) s
        WHERE v."id" = s."id"`;
        const recent = await seedFinishedVisits(prisma, target, { count: windowVisits, from: new Date(cutoff.getTime() + 5 * day), days: 355, seed: 7 });
        // Visits inside the window, with personal fields, of the kept half of the customers.
        await prisma.$executeRaw`
        UPDATE "Visit" v SET "customerName" = 'Bo', "customerPhone" = '+491520000', "customerId" = (${kept}::uuid[])[1 + s.rn % ${kept.length}]
        FROM (SELECT "id", row_number() OVER (ORDER BY "id") AS rn FROM "Visit" WHERE "organizationId" = ${organizationId}::uuid AND "createdAt" >= ${cutoff}::timestamp(3)) s
        WHERE v."id" = s."id"`;
        const events = await prisma.$executeRaw`
        INSERT INTO "VisitEvent" ("id", "visitId", "organizationId", "queueId", "fromStatus", "toStatus", "actorId", "actorKind", "at")
        SELECT gen_random_uuid(), "id", "organizationId", "queueId", NULL, 'WAITING', "customerId", 'customer', "createdAt"
        FROM "Visit" WHERE "organizationId" = ${organizationId}::uuid`;
        const twoYearsAgo = new Date(Date.now() - 730 * day);
        const people = await prisma.$executeRaw`
        INSERT INTO "Customer" ("id", "organizationId", "name", "email", "phone", "createdAt", "updatedAt")
        SELECT id, ${organizationId}::uuid, 'Customer ' || n, 'c' || n || '@example.com', '+49170' || n, ${twoYearsAgo}::timestamp(3), ${twoYearsAgo}::timestamp(3)
        FROM unnest(${customerIds}::uuid[]) WITH ORDINALITY AS t(id, n)`;
        const subscriptions = await prisma.$executeRaw`
        INSERT INTO "PushSubscription" ("id", "organizationId", "businessId", "visitId", "endpoint", "p256dh", "auth", "createdAt", "updatedAt")
        SELECT gen_random_uuid(), "organizationId", "businessId", "id", 'https://push.example/' || "id", 'key', 'auth', "createdAt", "createdAt"
        FROM "Visit" WHERE "organizationId" = ${organizationId}::uuid AND "createdAt" < ${cutoff}::timestamp(3) LIMIT ${pushSubscriptions}`;
        // The seeded events went into the outbox by trigger (VisitEvent_outbox); a year-old history has no
        // subscriber to tell, and the harness's relay draining 220,000 rows would run beside the passes.
        await prisma.$executeRaw`DELETE FROM "OutboxEvent"`;
        for (const table of ['Visit', 'VisitEvent', 'Customer', 'PushSubscription']) await prisma.$executeRawUnsafe(`ANALYZE "${table}"`);
        return { oldVisits: old, personal, windowVisits: recent, events, customers: people, pushSubscriptions: subscriptions };
      }),
    );

    const explains: Record<string, unknown> = { firstPass: await explainFirstVisitBatch(prisma, organizationId, cutoff) };
    // The handler's steps, in its order; each step timed with its statements.
    const pass = (label: string) =>
      phase(label, async () => {
        const step = async <T>(run: () => Promise<T>) => {
          const before = harness.statements();
          const started = performance.now();
          const result = await run();
          return { result, ms: round(performance.now() - started), statements: harness.statements() - before };
        };
        const visits = await step(() => applyVisitRetention(counted, organizationId, cutoff));
        const push = await step(() => deletePushSubscriptionsBefore(counted, organizationId, cutoff));
        const keep = await step(() => customersWithVisitsSince(counted, organizationId, cutoff));
        const people = await step(() => deleteInactiveCustomers(counted, organizationId, cutoff, keep.result));
        const totalMs = visits.ms + push.ms + keep.ms + people.ms;
        return {
          totalMs: round(totalMs),
          statements: visits.statements + push.statements + keep.statements + people.statements,
          visits: { ...visits.result, ms: visits.ms, statements: visits.statements, perSecond: Math.round(visits.result.visits / (visits.ms / 1000)) },
          pushSubscriptions: { deleted: push.result, ms: push.ms, statements: push.statements },
          keep: { customers: keep.result.length, ms: keep.ms, statements: keep.statements },
          customers: { ...people.result, ms: people.ms, statements: people.statements, perSecond: Math.round(people.result.customers / (people.ms / 1000)) },
        };
      });
    phases.push(await pass('first pass (the handler steps)'));
    explains.secondPass = await explainFirstVisitBatch(prisma, organizationId, cutoff);
    phases.push(await pass('second pass (nothing left to clear)'));
    // The same no-op pass once autovacuum has been by: the dead row versions of the first pass gone.
    await prisma.$executeRawUnsafe('VACUUM (ANALYZE) "Visit"');
    explains.afterVacuum = await explainFirstVisitBatch(prisma, organizationId, cutoff);
    phases.push(await pass('third pass (nothing left to clear, after VACUUM)'));

    const [left] = await prisma.$queryRaw<{ personal: number; customers: number }[]>`
      SELECT (SELECT count(*)::int FROM "Visit" WHERE "organizationId" = ${organizationId}::uuid AND "createdAt" < ${cutoff}::timestamp(3) AND ("customerName" <> '' OR "customerId" IS NOT NULL)) AS personal,
             (SELECT count(*)::int FROM "Customer" WHERE "organizationId" = ${organizationId}::uuid) AS customers`;
    console.log(JSON.stringify({ explains, left }, null, 2));
    const result = {
      at: new Date().toISOString(),
      cores: os.cpus().length,
      oldVisits,
      windowVisits,
      customers,
      cutoff: cutoff.toISOString(),
      phases,
      explains,
      left,
    };
    writeFileSync(path.join(__dirname, 'results.json'), JSON.stringify(result, null, 2) + '\n');
  } finally {
    await harness.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
