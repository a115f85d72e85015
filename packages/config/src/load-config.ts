import { z } from 'zod';
import { defaultPorts, developmentSecrets, type ServiceName } from './defaults';
import { edgeConfig, edgeEnvironment, type EdgeConfig } from './edge-config';
import { notificationConfig, notificationEnvironment, type NotificationConfig } from './notification-config';
import { subscriptionConfig, subscriptionEnvironment, type SubscriptionConfig } from './subscription-config';

/** Thrown when the environment is not a valid configuration; lists every problem at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const secret = z.string().min(32, 'must be at least 32 characters');
const urlList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
const int = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).optional(),

  DATABASE_URL: z.string().url().optional(),
  DATABASE_REPLICA_URLS: urlList,
  DATABASE_POOL_SIZE: int(10),
  DATABASE_CONNECT_TIMEOUT_MS: int(5_000),
  DATABASE_STATEMENT_TIMEOUT_MS: int(10_000),
  DATABASE_READ_YOUR_WRITES_MS: int(5_000),
  DATABASE_REPLICA_MAX_LAG_BYTES: int(16 * 1024 * 1024),
  DATABASE_REPLICA_CHECK_INTERVAL_MS: z.coerce.number().int().positive().default(1_000),
  DATABASE_SLOW_QUERY_MS: int(200),
  EMBEDDED_DATA_DIR: z.string().default('.data/pglite'),

  REDIS_URL: z.string().url().optional(),
  REDIS_CLUSTER_NODES: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const nodes = (value ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      return nodes.map((node) => {
        const match = /^([^:\s]+):(\d{1,5})$/.exec(node);
        if (match && Number(match[2]) <= 65535) return { host: match[1], port: Number(match[2]) };
        ctx.addIssue({ code: 'custom', message: `"${node}" is not host:port` });
        return { host: '', port: 0 };
      });
    }),
  REDIS_KEY_PREFIX: z.string().default('wlq:'),
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().positive().default(200),
  CACHE_TTL_SECONDS: z.coerce.number().int().nonnegative().optional(),

  JWT_SECRET: secret.optional(),
  IDENTITY_SIGNING_SECRET: secret.optional(),
  VISIT_TOKEN_SECRET: secret.optional(),
  ACCESS_TOKEN_TTL_SECONDS: int(900),
  REFRESH_TOKEN_TTL_SECONDS: int(30 * 24 * 3600),
  PASSWORD_HASH_MEMORY_KIB: int(19_456),

  USER_SUBGRAPH_URL: z.string().url().optional(),
  BUSINESS_SUBGRAPH_URL: z.string().url().optional(),
  QUEUE_SUBGRAPH_URL: z.string().url().optional(),
  PWA_SUBGRAPH_URL: z.string().url().optional(),
  SUPERGRAPH_PATH: z.string().optional(),
  WORKERS_URL: z.preprocess((value) => (value === '' ? undefined : value), z.string().url().optional()),
  PUBLIC_URL: z.string().url().optional(),
  ...edgeEnvironment,
  ...notificationEnvironment,
  ...subscriptionEnvironment,
});

export interface DatabaseConfig {
  /** `postgres` with DATABASE_URL; `embedded` (PGlite in this process) otherwise. */
  kind: 'postgres' | 'embedded';
  url?: string;
  replicaUrls: string[];
  poolSize: number;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
  /** After a write, the same actor reads from the primary for this long (read-your-writes). */
  readYourWritesMs: number;
  /** A replica whose replay is further behind the primary's WAL than this is skipped. */
  replicaMaxLagBytes: number;
  replicaCheckIntervalMs: number;
  /** Operations slower than this are logged with their request id. */
  slowQueryMs: number;
  embeddedDataDir: string;
}

export interface RedisConfig {
  /** `redis` with REDIS_URL or REDIS_CLUSTER_NODES; `memory` (in-process pub/sub and caches) otherwise. */
  kind: 'redis' | 'memory';
  url?: string;
  /**
   * Seed nodes of a Redis Cluster (REDIS_CLUSTER_NODES, `host:port,...`): when set, the
   * cluster client is used and REDIS_URL only lends its user name, password and TLS to every node.
   */
  clusterNodes?: RedisNode[];
  keyPrefix: string;
  /**
   * How long a command may wait for Redis before it fails (a hung Redis; one that is down
   * refuses at once). Default 200 ms: Redis answers in well under a millisecond, and a busy
   * event loop must not turn a slow answer into a false failure.
   */
  commandTimeoutMs?: number;
}

export interface RedisNode {
  host: string;
  port: number;
}

export interface CacheConfig {
  /** Lifetime of cached public reads (writes invalidate them at once); 0 turns the caches off. */
  ttlSeconds: number;
}

export interface Config {
  env: 'development' | 'test' | 'production';
  logLevel: string;
  host: string;
  port: number;
  database: DatabaseConfig;
  redis: RedisConfig;
  cache: CacheConfig;
  auth: {
    jwtSecret: string;
    identitySecret: string;
    visitTokenSecret: string;
    accessTokenTtlSeconds: number;
    refreshTokenTtlSeconds: number;
    passwordHashMemoryKib: number;
  };
  subgraphUrls: Record<Exclude<ServiceName, 'gateway' | 'workers'>, string>;
  supergraphPath?: string;
  /** The workers service, when the gateway passes `/notifications/` to it (compose); null: routed elsewhere (an ingress) or served in-process. */
  workersUrl: string | null;
  /** Where browsers reach the gateway, which serves the apps under /apps/ and the API under /graphql. */
  publicUrl: string;
  /** Web push: the VAPID key pair apps subscribe with and workers sign with; nulls leave push off. */
  push: NotificationConfig['push'];
  /** Email, SMS, partner webhooks and the jobs that send them. */
  notifications: NotificationConfig;
  /** The gateway's protections: persisted operations, limits, rate limits, browser safety. */
  edge: EdgeConfig;
  /** Live updates: event log retention and the gateway's WebSocket limits. */
  subscriptions: SubscriptionConfig;
}

/**
 * Parses the environment once, at start-up, into a frozen typed object. Nothing else in the
 * code base reads process.env. Every problem is reported together.
 */
export function loadConfig(service: ServiceName, env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const problems: string[] = [];
  const requireSecret = (name: 'JWT_SECRET' | 'IDENTITY_SIGNING_SECRET' | 'VISIT_TOKEN_SECRET', fallback: string) => {
    const value = e[name];
    if (value) return value;
    if (production) problems.push(`${name}: required in production`);
    return fallback;
  };
  const auth = {
    jwtSecret: requireSecret('JWT_SECRET', developmentSecrets.jwtSecret),
    identitySecret: requireSecret('IDENTITY_SIGNING_SECRET', developmentSecrets.identitySecret),
    visitTokenSecret: requireSecret('VISIT_TOKEN_SECRET', developmentSecrets.visitTokenSecret),
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlSeconds: e.REFRESH_TOKEN_TTL_SECONDS,
    passwordHashMemoryKib: e.PASSWORD_HASH_MEMORY_KIB,
  };
  if (production && !e.DATABASE_URL) problems.push('DATABASE_URL: required in production');
  if (production && !e.REDIS_URL && e.REDIS_CLUSTER_NODES.length === 0) problems.push('REDIS_URL: required in production (or REDIS_CLUSTER_NODES)');
  if (production && e.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES) problems.push('WEBHOOKS_ALLOW_PRIVATE_ADDRESSES: must be false in production');
  if (problems.length > 0) throw new ConfigError(problems);

  const local = (name: Exclude<ServiceName, 'gateway' | 'workers'>) => `http://127.0.0.1:${defaultPorts[name]}/graphql`;
  const port = e.PORT ?? defaultPorts[service];
  const config: Config = {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    host: e.HOST,
    port,
    database: {
      kind: e.DATABASE_URL ? 'postgres' : 'embedded',
      url: e.DATABASE_URL,
      replicaUrls: e.DATABASE_REPLICA_URLS,
      poolSize: e.DATABASE_POOL_SIZE,
      connectTimeoutMs: e.DATABASE_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
      readYourWritesMs: e.DATABASE_READ_YOUR_WRITES_MS,
      replicaMaxLagBytes: e.DATABASE_REPLICA_MAX_LAG_BYTES,
      replicaCheckIntervalMs: e.DATABASE_REPLICA_CHECK_INTERVAL_MS,
      slowQueryMs: e.DATABASE_SLOW_QUERY_MS,
      embeddedDataDir: e.EMBEDDED_DATA_DIR,
    },
    redis: {
      kind: e.REDIS_URL || e.REDIS_CLUSTER_NODES.length > 0 ? 'redis' : 'memory',
      url: e.REDIS_URL,
      ...(e.REDIS_CLUSTER_NODES.length > 0 && { clusterNodes: e.REDIS_CLUSTER_NODES }),
      keyPrefix: e.REDIS_KEY_PREFIX,
      commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
    },
    // Off by default under test: suites share one Redis but not one database, and natural keys
    // (slugs) would collide between them. Suites about caching turn it on.
    cache: { ttlSeconds: e.CACHE_TTL_SECONDS ?? (e.NODE_ENV === 'test' ? 0 : 60) },
    auth,
    subgraphUrls: {
      user: e.USER_SUBGRAPH_URL ?? local('user'),
      business: e.BUSINESS_SUBGRAPH_URL ?? local('business'),
      queue: e.QUEUE_SUBGRAPH_URL ?? local('queue'),
      pwa: e.PWA_SUBGRAPH_URL ?? local('pwa'),
    },
    supergraphPath: e.SUPERGRAPH_PATH,
    workersUrl: e.WORKERS_URL ?? null,
    publicUrl: e.PUBLIC_URL ?? `http://${e.HOST}:${port}`,
    push: notificationConfig(e).push,
    notifications: notificationConfig(e),
    edge: edgeConfig(e, e.NODE_ENV),
    subscriptions: subscriptionConfig(e),
  };
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
