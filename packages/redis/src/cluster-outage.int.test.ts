import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { startRedisCluster, type RedisCluster } from '@waitlessq/testkit';
import { createJsonCache, createRedis, RedisUnavailableError, type RedisResources } from './index';

// A cluster without replicas that loses a master refuses every key (its slots are uncovered):
// requests must go on without Redis as with a single Redis that is down, and /ready must say so.
let cluster: RedisCluster;
let redis: RedisResources;
beforeAll(async () => {
  cluster = await startRedisCluster();
  redis = createRedis({ kind: 'redis', clusterNodes: cluster.nodes, keyPrefix: `test:${randomUUID()}:`, commandTimeoutMs: 100 });
});
afterAll(async () => {
  await redis.close();
  await cluster.stop();
});

it('fails commands within the command timeout once a master is gone, reads through the cache, and reports the cluster down', async () => {
  const keys = Array.from({ length: 30 }, (_, i) => `key-${i}`);
  await Promise.all(keys.map((key) => redis.store.set(key, 'cached', 60)));
  await expect(redis.ping()).resolves.toBeUndefined();

  const [gone] = cluster.nodes;
  const admin = new Redis(gone.port, gone.host, { retryStrategy: () => null });
  admin.on('error', () => undefined);
  await admin.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
  admin.disconnect();

  // Once its connection to the lost master closed, or the surviving masters marked the cluster failed (node timeout: 2 s in the test kit).
  const deadline = Date.now() + 20_000;
  let reason: unknown;
  while (
    !(reason = await redis.ping().then(
      () => undefined,
      (error: unknown) => error,
    ))
  ) {
    if (Date.now() > deadline) throw new Error('ping still answers ok for a cluster that lost a master');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(reason).toBeInstanceOf(RedisUnavailableError);

  const started = Date.now();
  const outcomes = await Promise.allSettled(keys.map((key) => redis.store.get(key)));
  // Those of the lost master's slots at least (all of them once the survivors mark the cluster failed).
  expect(outcomes.filter((outcome) => outcome.status === 'rejected').length).toBeGreaterThan(0);
  // Bounded by the command timeout (or the circuit), not by the cluster's retries; generous for a busy machine.
  expect(Date.now() - started).toBeLessThan(1_500);

  const cache = createJsonCache<string>({ store: redis.store, prefix: 'profiles', ttlSeconds: 60 });
  await expect(cache.get('a', async () => 'from the database')).resolves.toBe('from the database');
});
