import { randomUUID } from 'node:crypto';
import { createRedis, type RedisResources } from './index';

// One contract, both implementations: the embedded default must behave like Redis.
describe.each([
  ['redis', { kind: 'redis' as const, url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', keyPrefix: `test:${randomUUID()}:` }],
  ['memory', { kind: 'memory' as const, keyPrefix: '' }],
])('%s key-value store', (_name, config) => {
  let redis: RedisResources;
  beforeAll(() => (redis = createRedis(config)));
  afterAll(() => redis.close());

  it('sets, reads, expires and deletes', async () => {
    await redis.store.set('a', '1', 1);
    expect(await redis.store.get('a')).toBe('1');
    await new Promise((r) => setTimeout(r, 1100));
    expect(await redis.store.get('a')).toBeNull();
    await redis.store.set('b', '2', 60);
    await redis.store.del('b');
    expect(await redis.store.get('b')).toBeNull();
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
