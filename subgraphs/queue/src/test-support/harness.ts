import {
  createTestDatabase,
  seedTenant,
  startSubgraph,
  type RunningSubgraph,
  type SeededTenant,
  type SeedTenantOptions,
  type TestDatabase,
} from '@waitlessq/testkit';
import type { BaseContext, ServiceRuntime, SubgraphDefinition } from '@waitlessq/subgraph-kit';
import { createQueueSubgraph } from '../index';

/**
 * The queue subgraph over HTTP on a fresh database, next to the real business subgraph it
 * asks about businesses and services (loaded from its sources; jest maps the package name).
 * Both are the test kit's `startSubgraph`; this binds the queue's factory and settings.
 */
export interface QueueHarness extends Pick<RunningSubgraph, 'url' | 'prisma' | 'runtime' | 'statements' | 'call'> {
  /** An organization with one business (and its services) written straight into the business tables. */
  createTenant(options?: SeedTenantOptions): Promise<SeededTenant>;
  close(): Promise<void>;
}

const queueEnv = {
  // Concurrency suites send hundreds of requests at once.
  DATABASE_POOL_SIZE: '20',
  // Suites count the statements of the queue subgraph: the outbox sweep's query (every second by
  // default) would land in some of their counts. They relay explicitly; one may set it back.
  OUTBOX_SWEEP_INTERVAL_MS: '3600000',
};

type BusinessModule = { createBusinessSubgraph(runtime: ServiceRuntime): SubgraphDefinition<BaseContext> };

/**
 * `env` adds to (or overrides) the queue subgraph's test configuration, e.g. to turn its
 * caches on; as a function it gets the suite's database (to reach it another way).
 */
export async function startQueueHarness(env: Record<string, string> | ((db: TestDatabase) => Record<string, string>) = {}): Promise<QueueHarness> {
  const db = await createTestDatabase();
  // Required, not imported: the queue workspace does not depend on the business one at build time.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createBusinessSubgraph } = require('@waitlessq/business-subgraph') as BusinessModule;
  const business = await startSubgraph('business', createBusinessSubgraph, db, { env: queueEnv });
  const extra = typeof env === 'function' ? env(db) : env;
  const queue = await startSubgraph('queue', createQueueSubgraph, db, {
    env: { ...queueEnv, BUSINESS_SUBGRAPH_URL: business.url, ...extra },
    countStatements: true,
  });
  return {
    url: queue.url,
    prisma: queue.prisma,
    runtime: queue.runtime,
    statements: queue.statements,
    call: queue.call,
    createTenant: (options) => seedTenant(queue.prisma, options),
    close: async () => {
      await Promise.allSettled([queue.stop(), business.stop()]);
      await db.drop();
    },
  };
}
