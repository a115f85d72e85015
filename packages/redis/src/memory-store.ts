import type { KeyValueStore } from './create-redis';

/** In-process store for the embedded default: same contract as Redis, expiry included. */
export function createMemoryStore(now: () => number = Date.now): KeyValueStore {
  const entries = new Map<string, { value: string; expiresAt: number }>();
  const live = (key: string) => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  return {
    get: async (key) => live(key)?.value ?? null,
    getMany: async (keys) => keys.map((key) => live(key)?.value ?? null),
    set: async (key, value, ttl) => void entries.set(key, { value, expiresAt: now() + ttl * 1000 }),
    setIfAbsent: async (key, value, ttl) => {
      if (live(key)) return false;
      entries.set(key, { value, expiresAt: now() + ttl * 1000 });
      return true;
    },
    del: async (...keys) => keys.forEach((key) => entries.delete(key)),
  };
}
