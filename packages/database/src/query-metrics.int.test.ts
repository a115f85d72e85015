import { randomBytes } from 'node:crypto';
import { loadConfig } from '@waitlessq/config';
import { metricsRegistry, type Logger } from '@waitlessq/observability';
import { createTestDatabase, type TestDatabase } from '@waitlessq/testkit';
import { createDatabase, runInRequestScope, type Database } from './index';

// The primary alone (the replica's side is in read-replicas.int.test.ts, which owns the replica).

let testDb: TestDatabase;
let db: Database;
const warnings: Record<string, unknown>[] = [];
const logger = {
  warn: (fields: Record<string, unknown>, message: string) => void warnings.push({ ...fields, message }),
  info: () => undefined,
  error: () => undefined,
  debug: () => undefined,
} as unknown as Logger;

beforeAll(async () => {
  testDb = await createTestDatabase();
  // Every operation counts as slow, so each one's log line can be checked.
  const config = loadConfig('business', { NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: testDb.url, DATABASE_SLOW_QUERY_MS: '0' });
  db = await createDatabase(config.database, logger);
});

afterAll(async () => {
  await db?.close();
  await testDb?.drop();
});

async function statements(target: string): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric('wlq_db_statements_total')!.get();
  return metric.values.find((value) => value.labels.target === target)?.value ?? 0;
}

async function timedOperations(labels: Record<string, string>): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric('wlq_db_query_duration_seconds')!.get();
  const count = metric.values.find(
    (value) =>
      (value as { metricName?: string }).metricName === 'wlq_db_query_duration_seconds_count' &&
      Object.entries(labels).every(([k, v]) => value.labels[k] === v),
  );
  return count?.value ?? 0;
}

const slug = () => `qm-${randomBytes(5).toString('hex')}`;

describe('query metrics', () => {
  it('counts SQL statements as PostgreSQL receives them: a transaction is BEGIN, its statements and COMMIT', async () => {
    let before = await statements('primary');
    await db.prisma.organization.findMany({ where: { slug: 'none' } });
    expect((await statements('primary')) - before).toBe(1);

    before = await statements('primary');
    await db.prisma.$transaction(async (tx) => {
      await tx.organization.create({ data: { name: 'In a transaction', slug: slug() } });
      await tx.organization.count();
    });
    expect((await statements('primary')) - before).toBe(4);
  });

  it('times every operation by model, action and server, raw queries included', async () => {
    const labels = { model: 'Organization', action: 'findFirst', target: 'primary' };
    const findsBefore = await timedOperations(labels);
    const rawBefore = await timedOperations({ model: 'raw', action: '$queryRaw' });
    await db.prisma.organization.findFirst({ where: { slug: 'none' } });
    await db.prisma.$queryRaw`SELECT 1`;
    expect(await timedOperations(labels)).toBe(findsBefore + 1);
    expect(await timedOperations({ model: 'raw', action: '$queryRaw' })).toBe(rawBefore + 1);
  });

  it('logs a slow operation with the id of the request that ran it', async () => {
    warnings.length = 0;
    await runInRequestScope({ actorKey: null, requestId: 'req-slow-1' }, () => db.prisma.organization.count());
    expect(warnings).toContainEqual(
      expect.objectContaining({ message: 'slow database query', requestId: 'req-slow-1', model: 'Organization', action: 'count', target: 'primary' }),
    );
  });
});
