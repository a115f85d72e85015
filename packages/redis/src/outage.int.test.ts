import Redis from 'ioredis';
import { createPrivateRedis, type PrivateRedis } from '@waitlessq/testkit';
import { createJsonCache, createRedis, type RedisResources } from './index';

// Redis is a cache, a budget and a bus here, never the record: when it is down or hangs, every
// command fails at once (after a few timeouts at most), writes are never held up, and a cache
// invalidation that could not be made is made as soon as Redis answers again.

jest.setTimeout(30_000);

let server: PrivateRedis;
let redis: RedisResources;

beforeAll(async () => {
  server = await createPrivateRedis();
  await server.start();
  redis = createRedis({ kind: 'redis', url: server.url, keyPrefix: 'outage:', commandTimeoutMs: 100 });
  await redis.ping();
});
afterAll(async () => {
  await redis?.close();
  await server?.stop();
});

const elapsed = async (fn: () => Promise<unknown>): Promise<number> => {
  const started = performance.now();
  await fn().catch(() => undefined);
  return performance.now() - started;
};
const until = async (condition: () => Promise<boolean>, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};
const answers = () =>
  redis.ping().then(
    () => true,
    () => false,
  );

describe('a Redis that hangs', () => {
  it('costs a few command timeouts, then every command fails at once; a missed invalidation is made when it answers again', async () => {
    const failures: boolean[] = [];
    const cache = createJsonCache<string>({
      store: redis.store,
      prefix: 'profiles',
      ttlSeconds: 60,
      retryDelayMs: 100,
      onInvalidationFailed: (_e, _k, willRetry) => failures.push(willRetry),
    });
    expect(await cache.get('a', async () => 'old')).toBe('old');

    const admin = new Redis(server.url);
    await admin.call('CLIENT', 'PAUSE', '1500', 'ALL');
    // The write committed elsewhere; its invalidation cannot reach Redis, and does not throw.
    await expect(cache.invalidate('a')).resolves.toBeUndefined();
    expect(failures[0]).toBe(true);
    // Timeouts for half a second open the circuit; from then on a command costs nothing.
    let timeouts = 0;
    while ((await elapsed(() => redis.store.get('x'))) >= 50) timeouts += 1;
    expect(timeouts).toBeGreaterThanOrEqual(3);
    expect(timeouts).toBeLessThanOrEqual(8);
    const fast = await Promise.all(Array.from({ length: 20 }, () => elapsed(() => redis.store.get('x'))));
    expect(Math.max(...fast)).toBeLessThan(50);
    await expect(redis.ping()).rejects.toThrow(/unavailable/i);
    // Reads are misses meanwhile: the database answers.
    expect(await cache.get('a', async () => 'from the database')).toBe('from the database');

    await until(answers, 10_000);
    // The invalidation was retried: the value cached before the write is never served again.
    await until(async () => (await cache.get('a', async () => 'new')) === 'new', 10_000);
    admin.disconnect();
  });
});

describe('a Redis that is down', () => {
  it('fails every command at once, says so on ping, and is used again once it is back', async () => {
    // A long command timeout: what fails here fails without waiting for it.
    const patient = createRedis({ kind: 'redis', url: server.url, keyPrefix: 'outage:', commandTimeoutMs: 2_000 });
    await patient.store.set('kept', '1', 60);
    await server.stop();
    await until(async () => !(await answers()), 5_000);
    const timings = await Promise.all(
      Array.from({ length: 50 }, (_, i) => elapsed(() => (i % 2 ? patient.store.get('kept') : patient.store.set('k', 'v', 60)))),
    );
    expect(Math.max(...timings)).toBeLessThan(200);
    await expect(patient.ping()).rejects.toThrow(/Redis is unavailable/);
    expect(await elapsed(() => patient.pubsub.publish('channel', { a: 1 }))).toBeLessThan(200);

    await server.start();
    await until(
      () =>
        patient.ping().then(
          () => true,
          () => false,
        ),
      10_000,
    );
    await patient.store.set('back', 'yes', 60);
    expect(await patient.store.get('back')).toBe('yes');
    await patient.close();
  });
});
