import { randomUUID } from 'node:crypto';
import type { RedisConfig } from '@waitlessq/config';
import { redisSetups, type RedisSetup } from '@waitlessq/testkit';
import { createJsonCache, createRedis, type CacheOutcome, type RedisResources } from './index';

interface Profile {
  name: string;
  at: Date;
}

const revive = (json: unknown): Profile => {
  const value = json as { name: string; at: string };
  return { name: value.name, at: new Date(value.at) };
};

const memory: RedisSetup = { start: async () => ({}), stop: async () => undefined };

// One contract, every store: the embedded default and a Redis Cluster must cache and invalidate like a single Redis.
describe.each([...redisSetups(), ['memory', memory] as const])('json cache over the %s store', (name, setup) => {
  let redis: RedisResources;
  let rows: Map<string, Profile>;
  let loads: string[][];
  let lookups: Record<CacheOutcome, number>;
  let failedInvalidations: Error[];
  const load = async (ids: string[]) => {
    loads.push(ids);
    return new Map(ids.flatMap((id) => (rows.has(id) ? [[id, { ...rows.get(id)! }] as const] : [])));
  };
  const cache = (ttlSeconds = 60) =>
    createJsonCache<Profile>({
      store: redis.store,
      prefix: `profiles-${randomUUID()}`,
      ttlSeconds,
      revive,
      onLookup: (outcome, n) => (lookups[outcome] += n),
      onInvalidationFailed: (error) => failedInvalidations.push(error),
    });

  beforeAll(async () => {
    const config: RedisConfig =
      name === 'memory' ? { kind: 'memory', keyPrefix: '' } : { kind: 'redis', ...(await setup.start()), keyPrefix: `test:${randomUUID()}:` };
    redis = createRedis(config);
  });
  afterAll(async () => {
    await redis.close();
    await setup.stop();
  });
  beforeEach(() => {
    rows = new Map([
      ['a', { name: 'Ada', at: new Date('2026-01-01T10:00:00Z') }],
      ['b', { name: 'Ben', at: new Date('2026-01-02T10:00:00Z') }],
    ]);
    loads = [];
    lookups = { hit: 0, miss: 0 };
    failedInvalidations = [];
  });

  it('loads the missing keys in one call, then serves them (revived) without loading', async () => {
    const profiles = cache();
    expect(await profiles.getMany(['a', 'b', 'a', 'nobody'], load)).toEqual([rows.get('a'), rows.get('b'), rows.get('a'), undefined]);
    expect(loads).toEqual([['a', 'b', 'nobody']]);
    const again = await profiles.getMany(['b', 'a'], load);
    expect(again[0]?.at).toBeInstanceOf(Date);
    expect(again).toEqual([rows.get('b'), rows.get('a')]);
    expect(loads).toHaveLength(1);
    // Absence is not cached: a row created later is found.
    rows.set('nobody', { name: 'Now somebody', at: new Date() });
    expect((await profiles.get('nobody', async () => rows.get('nobody')))?.name).toBe('Now somebody');
    expect(lookups).toEqual({ hit: 2, miss: 4 });
  });

  it('reads the versions and entries of a lookup in one command where the store can (MGET; a cluster GETs each)', async () => {
    const calls: string[] = [];
    const { store } = redis;
    const counted = {
      ...store,
      get: (key: string) => (calls.push('get'), store.get(key)),
      ...(store.getMany && { getMany: (keys: string[]) => (calls.push(`getMany ${keys.length}`), store.getMany!(keys)) }),
    };
    const profiles = createJsonCache<Profile>({ store: counted, prefix: `profiles-${randomUUID()}`, ttlSeconds: 60, revive });
    await profiles.getMany(['a', 'b'], load);
    calls.length = 0;
    expect(await profiles.getMany(['a', 'b'], load)).toEqual([rows.get('a'), rows.get('b')]);
    expect(loads).toHaveLength(1);
    expect(calls).toEqual(name === 'redis cluster' ? ['get', 'get', 'get', 'get'] : ['getMany 4']);
  });

  it('serves the new value after an invalidation (read, write, read again)', async () => {
    const profiles = cache();
    expect((await profiles.get('a', async () => rows.get('a')))?.name).toBe('Ada');
    rows.set('a', { name: 'Ada Lovelace', at: new Date() });
    await profiles.invalidate('a');
    expect((await profiles.get('a', async () => rows.get('a')))?.name).toBe('Ada Lovelace');
    expect((await profiles.get('a', async () => undefined))?.name).toBe('Ada Lovelace');
  });

  it('invalidates many keys at once (on a cluster they live in several slots)', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `p${i}`);
    for (const id of ids) rows.set(id, { name: `Before ${id}`, at: new Date() });
    const profiles = cache();
    await profiles.getMany(ids, load);
    for (const id of ids) rows.set(id, { name: `After ${id}`, at: new Date() });
    await profiles.invalidate(...ids);
    expect(failedInvalidations).toEqual([]);
    expect((await profiles.getMany(ids, load)).map((profile) => profile?.name)).toEqual(ids.map((id) => `After ${id}`));
    expect(loads).toEqual([ids, ids]);
  });

  it('never stores a value read before a write that invalidated it meanwhile', async () => {
    const profiles = cache();
    let release!: () => void;
    const slowReader = profiles.get('a', async () => {
      const before = { ...rows.get('a')! };
      await new Promise<void>((resolve) => (release = resolve));
      return before;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    rows.set('a', { name: 'Written meanwhile', at: new Date() });
    await profiles.invalidate('a');
    release();
    expect((await slowReader)?.name).toBe('Ada');
    expect((await profiles.get('a', async () => rows.get('a')))?.name).toBe('Written meanwhile');
  });

  it('with a TTL of 0 always loads, and counts nothing', async () => {
    const off = cache(0);
    await off.getMany(['a'], load);
    await off.getMany(['a'], load);
    expect(loads).toHaveLength(2);
    expect(lookups).toEqual({ hit: 0, miss: 0 });
  });
});
