import { identityHeader, type Identity } from '@waitlessq/auth';
import { loadConfig, type ServiceName } from '@waitlessq/config';
import type { PrismaClient } from '@waitlessq/database';
import {
  createServiceRuntime,
  createSubgraphServer,
  type BaseContext,
  type ServiceRuntime,
  type SharedResources,
  type SubgraphDefinition,
  type SubgraphServer,
} from '@waitlessq/subgraph-kit';
import { testSecrets } from './graph-env';
import { graphql, type GraphQLResponse } from './graphql-client';
import type { TestDatabase } from './test-database';
import { testRedisUrl } from './test-redis';

/**
 * The environment of a subgraph started inside a test: this suite's database, the machine's
 * Redis, the graph's test secrets, a free port and cheap password hashing; `extra` adds or overrides.
 */
export function subgraphEnv(db: TestDatabase, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    REDIS_URL: testRedisUrl,
    ...testSecrets,
    PORT: '0',
    PASSWORD_HASH_MEMORY_KIB: '1024',
    LOG_LEVEL: process.env.HARNESS_LOG_LEVEL ?? 'silent',
    ...extra,
  };
}

export interface StartSubgraphOptions {
  /** Adds to (or overrides) `subgraphEnv`. */
  env?: Record<string, string>;
  /** Another runtime's database and Redis, to run a second instance on (closed by their owner). */
  shared?: SharedResources;
  /** Counts the SQL statements the subgraph sends (Prisma operations, raw ones included): `statements()`. */
  countStatements?: boolean;
  /** Changes the runtime before the subgraph is built on it (a recording job queue, say). */
  prepare?(runtime: ServiceRuntime): void;
  /** Adds routes to the server before it listens (the pwa's app files). */
  mount?(server: SubgraphServer, runtime: ServiceRuntime): void;
}

/** A subgraph served over HTTP in the test's process. */
export interface RunningSubgraph {
  url: string;
  runtime: ServiceRuntime;
  server: SubgraphServer;
  /** The database client, its statements not counted. */
  prisma: PrismaClient;
  /** SQL statements sent so far (with `countStatements`; 0 otherwise). */
  statements(): number;
  /** Sends an operation as `identity` (signed like the gateway does), or with no identity header at all. */
  call<T = Record<string, unknown>>(identity: Identity | null, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** Stops the server and closes what the runtime opened (not the database). */
  stop(): Promise<void>;
}

/**
 * Starts one subgraph on `db`. The subgraph's factory comes from the test: the test kit does not
 * depend on the subgraphs (they depend on it).
 */
export async function startSubgraph<C extends BaseContext>(
  name: ServiceName,
  create: (runtime: ServiceRuntime) => SubgraphDefinition<C>,
  db: TestDatabase,
  options: StartSubgraphOptions = {},
): Promise<RunningSubgraph> {
  const owned = await createServiceRuntime(name, loadConfig(name, subgraphEnv(db, options.env)), options.shared);
  let statements = 0;
  const runtime: ServiceRuntime = options.countStatements
    ? { ...owned, db: { ...owned.db, prisma: counting(owned.db.prisma, () => (statements += 1)) } }
    : owned;
  options.prepare?.(runtime);
  const server = await createSubgraphServer(runtime, create(runtime));
  options.mount?.(server, runtime);
  const url = await server.listen();
  return {
    url,
    runtime,
    server,
    prisma: owned.db.prisma,
    statements: () => statements,
    call: async (identity, query, variables) => {
      const headers: Record<string, string> = identity ? { [identityHeader]: await runtime.signer.sign(identity) } : {};
      return graphql(url, { query, variables, headers });
    },
    stop: async () => {
      await server.stop();
      await owned.close();
    },
  };
}

function counting(prisma: PrismaClient, count: () => void): PrismaClient {
  return prisma.$extends({
    query: {
      async $allOperations({ args, query }) {
        count();
        return query(args);
      },
    },
  }) as unknown as PrismaClient;
}

/** The data of a response that must have succeeded. */
export function ok<T>(response: GraphQLResponse<T>): T {
  if (response.errors?.length || !response.data) throw new Error(`GraphQL errors: ${JSON.stringify(response.errors)}`);
  return response.data;
}
