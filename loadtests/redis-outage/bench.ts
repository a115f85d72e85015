/**
 * Redis stopped under load (issue 14, finding 2): the latency of joins and of `{ __typename }`
 * through the gateway with Redis up, down and back, p50 and p95 each, and how many requests
 * failed in each phase. A graph of built processes (npm run build first) on a scratch database
 * and a Redis of its own (redis-server on a free port, no persistence), closed-loop clients.
 * The machine's load is recorded (loadtests/machine.ts): the figures of a run marked busy
 * (processes outside the benchmark took CPU) compare phases of one run, not runs.
 *
 *   npx tsx --tsconfig loadtests/redis-outage/tsconfig.json loadtests/redis-outage/bench.ts [--clients 8] [--phase-ms 10000]
 *
 * Needs PostgreSQL on 127.0.0.1:5432. Adds the run to results.json beside this file (the last five).
 */
import os from 'node:os';
import path from 'node:path';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createPrivateRedis, createTenant, createTestDatabase, graphEnv, graphqlOk, rateLimitsOff, startGraph } from '@waitlessq/testkit';
import { describeMachine, watchMachine } from '../machine';
import { addressBudgetOn, figures, runOutageScenario } from './outage-load';

const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};

async function main() {
  const clients = argument('clients', 8);
  const phaseMs = argument('phase-ms', 10_000);
  const db = await createTestDatabase();
  const redis = await createPrivateRedis();
  await redis.start();
  const graph = await startGraph({
    ...graphEnv(db, { ...rateLimitsOff, ...addressBudgetOn, REDIS_URL: redis.url, CACHE_TTL_SECONDS: '60' }),
    LOG_LEVEL: 'error',
  });
  try {
    const tenant = await createTenant(graph.gateway.url, 'Bench');
    const { createQueue } = await graphqlOk<{ createQueue: { id: string } }>(graph.gateway.url, {
      query: 'mutation($input: CreateQueueInput!) { createQueue(input: $input) { id } }',
      variables: { input: { businessId: tenant.businessId, name: 'Bench desk' } },
      token: tenant.staff.OWNER.accessToken,
    });
    const watch = watchMachine();
    const samples = await runOutageScenario({
      graph,
      queueId: createQueue.id,
      clients,
      phaseMs,
      stopRedis: () => redis.stop(),
      startRedis: () => redis.start(),
    });
    const machine = watch.stop();
    console.log(describeMachine(machine));
    const phases = (['up', 'down', 'back'] as const).map((phase) => ({
      phase,
      join: figures(samples, phase, 'join'),
      typename: figures(samples, phase, 'typename'),
    }));
    const result = {
      date: new Date().toISOString(),
      clients,
      phaseMs,
      cores: os.cpus().length,
      machine,
      phases,
      p95ExtraWhileDownMs: {
        join: Math.round((phases[1].join.p95Ms - phases[0].join.p95Ms) * 10) / 10,
        typename: Math.round((phases[1].typename.p95Ms - phases[0].typename.p95Ms) * 10) / 10,
      },
    };
    console.log(JSON.stringify(result, null, 2));
    // The runs of a busy machine differ by more than the effect measured: keep the last five.
    const file = path.join(__dirname, 'results.json');
    const earlier = existsSync(file) ? ((JSON.parse(readFileSync(file, 'utf8')) as { runs?: unknown[] }).runs ?? []) : [];
    writeFileSync(file, `${JSON.stringify({ runs: [...earlier, result].slice(-5) }, null, 2)}\n`);
  } finally {
    await graph.stop();
    await redis.stop();
    await db.drop();
  }
}

void main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
