import { randomUUID } from 'node:crypto';
import type { EdgeConfig, RedisConfig } from '@waitlessq/config';
import { createLogger } from '@waitlessq/observability';
import { createRedis, type RedisResources } from '@waitlessq/redis';
import { redisSetups, type RedisSetup } from '@waitlessq/testkit';
import { createRateLimiters, rateLimitHeaders } from './rate-limits';

const budgets: EdgeConfig['rateLimits'] = {
  perAddress: { points: 3, windowSeconds: 2 },
  perUser: { points: 0, windowSeconds: 60 },
  perPartnerKey: { points: 5, windowSeconds: 60 },
  signInPerAddress: { points: 5, windowSeconds: 60 },
  signInPerEmail: { points: 2, windowSeconds: 60 },
};
const logger = createLogger('test', 'silent');

const memory: RedisSetup = { start: async () => ({}), stop: async () => undefined };
const configOf = async (name: string, setup: RedisSetup): Promise<RedisConfig> =>
  name === 'memory' ? { kind: 'memory', keyPrefix: '' } : { kind: 'redis', ...(await setup.start()), keyPrefix: `test:${randomUUID()}:` };

// One contract, every store: the embedded start must limit like Redis does, within a process, and a Redis Cluster like a single Redis.
describe.each([...redisSetups(), ['memory', memory] as const])('rate limits over %s', (name, setup) => {
  let redis: RedisResources;
  beforeAll(async () => (redis = createRedis(await configOf(name, setup))));
  afterAll(async () => {
    await redis.close();
    await setup.stop();
  });

  it('allows a budget, then refuses until its window starts over', async () => {
    const limiters = createRateLimiters(budgets, redis, logger);
    const verdicts = [];
    for (let i = 0; i < 4; i++) verdicts.push(await limiters.consume('perAddress', '10.0.0.1'));
    expect(verdicts.map((v) => [v?.allowed, v?.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    expect(rateLimitHeaders(verdicts[3]!)).toEqual({
      'ratelimit-limit': '3',
      'ratelimit-remaining': '0',
      'ratelimit-reset': expect.stringMatching(/^[12]$/),
      'retry-after': expect.stringMatching(/^[12]$/),
    });
    expect((await limiters.consume('perAddress', '10.0.0.2'))?.allowed).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect((await limiters.consume('perAddress', '10.0.0.1'))?.allowed).toBe(true);
  });

  it('spends several points at once, and has no opinion on a budget that is off', async () => {
    const limiters = createRateLimiters(budgets, redis, logger);
    expect((await limiters.consume('signInPerEmail', 'hash', 3))?.allowed).toBe(false);
    expect(await limiters.consume('perUser', 'staff:u1')).toBeUndefined();
  });
});

// Each replica would count alone in its in-memory fallback: one budget between two says the counters are in Redis.
describe.each(redisSetups())('rate limits over %s, across replicas', (name, setup) => {
  afterAll(() => setup.stop());

  it('share one budget between two gateways', async () => {
    const config = await configOf(name, setup);
    const [one, two] = [createRedis(config), createRedis(config)];
    try {
      const [a, b] = [createRateLimiters(budgets, one, logger), createRateLimiters(budgets, two, logger)];
      const allowed = [];
      for (let i = 0; i < 6; i++) allowed.push((await (i % 2 ? b : a).consume('perPartnerKey', 'key-1'))?.allowed);
      expect(allowed).toEqual([true, true, true, true, true, false]);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});
