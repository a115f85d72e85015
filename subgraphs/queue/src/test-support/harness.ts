import { randomUUID } from 'node:crypto';
import type { Identity, StaffRole } from '@waitlessq/auth';
import { identityHeader, staffRoles } from '@waitlessq/auth';
import { loadConfig } from '@waitlessq/config';
import type { PrismaClient } from '@waitlessq/database';
import {
  createServiceRuntime,
  createSubgraphServer,
  type BaseContext,
  type ServiceRuntime,
  type SubgraphDefinition,
  type SubgraphServer,
} from '@waitlessq/subgraph-kit';
import { createTestDatabase, graphql, testRedisUrl, type GraphQLResponse, type TestDatabase } from '@waitlessq/testkit';
import { createQueueSubgraph } from '../index';

/**
 * The queue subgraph over HTTP on a fresh database, next to the real business subgraph it
 * asks about businesses and services (loaded from its sources; jest maps the package name).
 */
export interface QueueHarness {
  url: string;
  prisma: PrismaClient;
  runtime: ServiceRuntime;
  /** SQL statements the queue subgraph has sent so far (Prisma operations, raw ones included). */
  statements(): number;
  /** Sends an operation as `identity` (signed like the gateway does), or with no identity header at all. */
  call<T = Record<string, unknown>>(identity: Identity | null, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** An organization with one business (and its services) written straight into the business tables. */
  createTenant(options?: { timezone?: string; serviceMinutes?: number[] }): Promise<Tenant>;
  close(): Promise<void>;
}

export interface Tenant {
  organizationId: string;
  businessId: string;
  serviceIds: string[];
  staff(role?: StaffRole): Identity;
  customer(id?: string): Identity;
  partner(): Identity;
}

const testEnv = (db: TestDatabase, extra: Record<string, string> = {}) => ({
  NODE_ENV: 'test',
  DATABASE_URL: db.url,
  REDIS_URL: testRedisUrl,
  PORT: '0',
  PASSWORD_HASH_MEMORY_KIB: '1024',
  LOG_LEVEL: process.env.HARNESS_LOG_LEVEL ?? 'silent',
  // Concurrency suites send hundreds of requests at once.
  DATABASE_POOL_SIZE: '20',
  // Suites count the statements of the queue subgraph: the outbox sweep's query (every second by
  // default) would land in some of their counts. They relay explicitly; one may set it back.
  OUTBOX_SWEEP_INTERVAL_MS: '3600000',
  ...extra,
});

type BusinessModule = { createBusinessSubgraph(runtime: ServiceRuntime): SubgraphDefinition<BaseContext> };

async function startBusinessSubgraph(db: TestDatabase): Promise<{ url: string; server: SubgraphServer; runtime: ServiceRuntime }> {
  // Required, not imported: the queue workspace does not depend on the business one at build time.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createBusinessSubgraph } = require('@waitlessq/business-subgraph') as BusinessModule;
  const runtime = await createServiceRuntime('business', loadConfig('business', testEnv(db)));
  const server = await createSubgraphServer(runtime, createBusinessSubgraph(runtime));
  return { url: await server.listen(), server, runtime };
}

/**
 * `env` adds to (or overrides) the queue subgraph's test configuration, e.g. to turn its
 * caches on; as a function it gets the suite's database (to reach it another way).
 */
export async function startQueueHarness(env: Record<string, string> | ((db: TestDatabase) => Record<string, string>) = {}): Promise<QueueHarness> {
  const db = await createTestDatabase();
  const business = await startBusinessSubgraph(db);
  const extra = typeof env === 'function' ? env(db) : env;
  const owned = await createServiceRuntime('queue', loadConfig('queue', testEnv(db, { BUSINESS_SUBGRAPH_URL: business.url, ...extra })));
  let statements = 0;
  const counted = owned.db.prisma.$extends({
    query: {
      async $allOperations({ args, query }) {
        statements += 1;
        return query(args);
      },
    },
  }) as unknown as PrismaClient;
  const runtime: ServiceRuntime = { ...owned, db: { ...owned.db, prisma: counted } };
  const server = await createSubgraphServer(runtime, createQueueSubgraph(runtime));
  const url = await server.listen();
  const prisma = owned.db.prisma;

  const call: QueueHarness['call'] = async (identity, query, variables) => {
    const headers: Record<string, string> = identity ? { [identityHeader]: await runtime.signer.sign(identity) } : {};
    return graphql(url, { query, variables, headers });
  };

  const createTenant: QueueHarness['createTenant'] = async ({ timezone = 'Europe/Berlin', serviceMinutes = [] } = {}) => {
    const suffix = randomUUID().slice(0, 8);
    const organization = await prisma.organization.create({ data: { name: `Org ${suffix}`, slug: `org-${suffix}` } });
    const organizationId = organization.id;
    const shop = await prisma.business.create({ data: { organizationId, name: `Shop ${suffix}`, slug: `shop-${suffix}`, timezone } });
    const serviceIds: string[] = [];
    for (const [index, durationMinutes] of serviceMinutes.entries()) {
      const service = await prisma.service.create({ data: { organizationId, businessId: shop.id, name: `Service ${index}`, durationMinutes } });
      serviceIds.push(service.id);
    }
    const staffIds = Object.fromEntries(staffRoles.map((role) => [role, randomUUID()])) as Record<StaffRole, string>;
    return {
      organizationId,
      businessId: shop.id,
      serviceIds,
      // One staff member per role, as in a real shop: a retry by the same person is the same caller (idempotency keys).
      staff: (role = 'MANAGER') => ({ kind: 'staff', subjectId: staffIds[role], organizationId, role, platformAdmin: false }),
      customer: (id = randomUUID()) => ({ kind: 'customer', subjectId: id, organizationId }),
      partner: () => ({ kind: 'partner', subjectId: randomUUID(), organizationId }),
    };
  };

  return {
    url,
    prisma,
    runtime,
    statements: () => statements,
    call,
    createTenant,
    close: async () => {
      await server.stop();
      await business.server.stop();
      await Promise.allSettled([owned.close(), business.runtime.close()]);
      await db.drop();
    },
  };
}

/** The data of a response that must have succeeded. */
export function ok<T>(response: GraphQLResponse<T>): T {
  if (response.errors?.length || !response.data) throw new Error(`GraphQL errors: ${JSON.stringify(response.errors)}`);
  return response.data;
}

export const anonymous: Identity = { kind: 'anonymous' };
