/**
 * The whole stack as it is deployed, each service its own process in production mode: the
 * gateway, the four subgraphs and the workers (testkit's startGraph and startReplica, on the
 * built dist/: `npm run build` first), on a fresh database of this machine's PostgreSQL and
 * under a Redis key prefix of the run on its Redis. Only 127.0.0.1.
 */
import Redis from 'ioredis';
import {
  createTestDatabase,
  graphEnv,
  rateLimitsOff,
  startGraph,
  testRedisUrl,
  type RunningGraph,
  type RunningService,
  type TestDatabase,
} from '@waitlessq/testkit';

export interface Stack {
  db: TestDatabase;
  graph: RunningGraph;
  workers: RunningService;
  /** The six processes by name: gateway, user, business, queue, pwa, workers. */
  services: RunningService[];
  /** The Redis key prefix of this run (every key the services write starts with it). */
  keyPrefix: string;
  api: string;
  stop(): Promise<void>;
}

export async function startStack(extraEnv: Record<string, string> = {}): Promise<Stack> {
  const db = await createTestDatabase();
  const keyPrefix = `bench:${db.name}:`;
  const env = graphEnv(db, {
    REDIS_KEY_PREFIX: keyPrefix,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    // One address and a few credentials send everything: the edge's budgets are about abuse, not this.
    ...rateLimitsOff,
    SUBSCRIPTIONS_CONNECTIONS_PER_ADDRESS: '0',
    SUBSCRIPTIONS_CONNECTIONS_PER_CREDENTIAL: '0',
    SUBSCRIPTIONS_SUBSCRIBES_PER_CONNECTION: '0',
    // The staff's access token must outlive a soak (the app would refresh it; that is not measured here).
    ACCESS_TOKEN_TTL_SECONDS: String(6 * 3600),
    ...extraEnv,
  });
  let graph: RunningGraph | undefined;
  try {
    graph = await startGraph(env, { startTimeoutMs: 120_000 });
    const workers = await graph.startReplica('workers');
    const services = [graph.gateway, ...Object.values(graph.subgraphs), workers];
    return {
      db,
      graph,
      workers,
      services,
      keyPrefix,
      api: graph.gateway.url,
      stop: async () => {
        await graph!.stop();
        await db.drop();
        await deleteKeys(keyPrefix);
      },
    };
  } catch (error) {
    await graph?.stop();
    await db.drop();
    throw error;
  }
}

/** The first error lines each service logged (pino level 50 and up), for the results. */
export function serviceErrors(services: readonly RunningService[], max = 3): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const service of services) {
    const lines = service
      .output()
      .split('\n')
      .filter((line) => /"level":(50|60)/.test(line))
      .slice(0, max)
      .map((line) => line.slice(0, 600));
    if (lines.length > 0) errors[service.name] = lines;
  }
  return errors;
}

/** Removes the run's keys (and only those: the Redis is shared). */
async function deleteKeys(keyPrefix: string): Promise<void> {
  const redis = new Redis(testRedisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
