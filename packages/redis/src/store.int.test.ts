import { randomUUID } from 'node:crypto';
import type { RedisConfig } from '@waitlessq/config';
import { redisSetups, type RedisSetup } from '@waitlessq/testkit';
import { createRedis, type RedisResources } from './index';

const memory: RedisSetup = { start: async () => ({}), stop: async () => undefined };

// One contract, every setup: the embedded default and a Redis Cluster must behave like a single Redis.
describe.each([...redisSetups(), ['memory', memory] as const])('%s key-value store', (name, setup) => {
  let redis: RedisResources;
  beforeAll(async () => {
    const config: RedisConfig =
      name === 'memory' ? { kind: 'memory', keyPrefix: '' } : { kind: 'redis', ...(await setup.start()), keyPrefix: `test:${randomUUID()}:` };
    redis = createRedis(config);
  });
  afterAll(async () => {
    await redis.close();
    await setup.stop();
  });

  it('sets, reads, expires and deletes', async () => {
    await redis.store.set('a', '1', 1);
    expect(await redis.store.get('a')).toBe('1');
    await new Promise((r) => setTimeout(r, 1100));
    expect(await redis.store.get('a')).toBeNull();
    await redis.store.set('b', '2', 60);
    await redis.store.del('b');
    expect(await redis.store.get('b')).toBeNull();
  });

  it('deletes keys of several slots in one call', async () => {
    const keys = Array.from({ length: 20 }, (_, i) => `many:${i}`);
    await Promise.all(keys.map((key) => redis.store.set(key, 'x', 60)));
    await redis.store.del(...keys);
    expect(await Promise.all(keys.map((key) => redis.store.get(key)))).toEqual(keys.map(() => null));
  });

  it('setIfAbsent lets exactly one of many concurrent callers win', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => redis.store.setIfAbsent('lock', String(i), 60)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('delivers a published event to a subscriber', async () => {
    let deliver!: (message: unknown) => void;
    const received = new Promise((resolve) => (deliver = resolve));
    // Resolves once Redis confirmed the subscription: a message published before that is lost
    // (a fixed 50 ms wait was not always enough on a busy machine).
    await redis.pubsub.subscribe('channel', deliver, {});
    await redis.pubsub.publish('channel', { hello: 'world' });
    await expect(received).resolves.toEqual({ hello: 'world' });
  });
});
