import { hashApiKey, partnerKeyCacheKey, randomToken, revokedPartnerKey } from '@waitlessq/auth';
import { createRedis } from '@waitlessq/redis';
import { createPartnerKeys, type PartnerKeyLookup } from './partner-keys';

const key = randomToken('wlq_live_');
const found = { apiKeyId: '2b7f6a4e-0d5c-4a8e-9a43-0c1f3f0f6f11', organizationId: '8f0c3c1e-5a1b-4c7d-8e9f-1a2b3c4d5e6f' };
const partner = { kind: 'partner', subjectId: found.apiKeyId, organizationId: found.organizationId };

function setUp(answer: Awaited<ReturnType<PartnerKeyLookup>> = found) {
  const { store } = createRedis({ kind: 'memory', keyPrefix: '' });
  const lookup = jest.fn<ReturnType<PartnerKeyLookup>, Parameters<PartnerKeyLookup>>(async () => answer);
  return { store, lookup, keys: createPartnerKeys(store, lookup) };
}

describe('partner keys at the gateway', () => {
  it('asks the user subgraph once, by hash, and answers from the cache afterwards', async () => {
    const { lookup, keys, store } = setUp();
    await expect(keys.resolve(key)).resolves.toEqual(partner);
    await expect(keys.resolve(key)).resolves.toEqual(partner);
    expect(lookup).toHaveBeenCalledTimes(1);
    expect(lookup).toHaveBeenCalledWith(hashApiKey(key));
    expect(JSON.parse((await store.get(partnerKeyCacheKey(hashApiKey(key))))!)).toEqual(found);
  });

  it('shares one lookup between concurrent first requests', async () => {
    const { lookup, keys } = setUp();
    await Promise.all(Array.from({ length: 10 }, () => keys.resolve(key)));
    expect(lookup).toHaveBeenCalledTimes(1);
  });

  it('refuses a malformed key without any lookup', async () => {
    const { lookup, keys } = setUp();
    for (const bad of ['', 'wlq_live_short', key.replace('wlq_live_', 'wlq_test_'), `${key}x`, key.slice(0, -1) + '!']) {
      await expect(keys.resolve(bad)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    expect(lookup).not.toHaveBeenCalled();
  });

  it('refuses an unknown key and does not cache the refusal', async () => {
    const { lookup, keys, store } = setUp(null);
    await expect(keys.resolve(key)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await store.get(partnerKeyCacheKey(hashApiKey(key)))).toBeNull();
    await expect(keys.resolve(key)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(lookup).toHaveBeenCalledTimes(2);
  });

  it('refuses a key whose cache entry is the revocation tombstone, at once', async () => {
    const { lookup, keys, store } = setUp();
    await keys.resolve(key);
    await store.set(partnerKeyCacheKey(hashApiKey(key)), revokedPartnerKey, 120);
    await expect(keys.resolve(key)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(lookup).toHaveBeenCalledTimes(1);
  });

  it('never overwrites a tombstone written while its lookup was under way', async () => {
    const { store } = createRedis({ kind: 'memory', keyPrefix: '' });
    const cacheKey = partnerKeyCacheKey(hashApiKey(key));
    const keys = createPartnerKeys(store, async () => {
      await store.set(cacheKey, revokedPartnerKey, 120);
      return found;
    });
    await keys.resolve(key);
    expect(await store.get(cacheKey)).toBe(revokedPartnerKey);
    await expect(keys.resolve(key)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('lets an outage of the user subgraph through as an error, not as a bad key', async () => {
    const { store } = createRedis({ kind: 'memory', keyPrefix: '' });
    const keys = createPartnerKeys(store, async () => {
      throw new Error('connect ECONNREFUSED');
    });
    await expect(keys.resolve(key)).rejects.toThrow('ECONNREFUSED');
  });
});

describe('partner keys without a working cache', () => {
  it('looks keys up every time, and still refuses the ones the owner says are revoked', async () => {
    const failing = {
      get: async () => Promise.reject(new Error('redis down')),
      set: async () => Promise.reject(new Error('redis down')),
      setIfAbsent: async () => Promise.reject(new Error('redis down')),
      del: async () => Promise.reject(new Error('redis down')),
    };
    const errors: unknown[] = [];
    let answer: Awaited<ReturnType<PartnerKeyLookup>> = found;
    const lookup = jest.fn(async () => answer);
    const keys = createPartnerKeys(failing, lookup, (error) => errors.push(error));
    await expect(keys.resolve(key)).resolves.toEqual(partner);
    answer = null;
    await expect(keys.resolve(key)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(lookup).toHaveBeenCalledTimes(2);
    expect(errors.length).toBeGreaterThanOrEqual(2);
  });
});
