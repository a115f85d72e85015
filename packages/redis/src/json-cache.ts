import { randomBytes } from 'node:crypto';
import type { KeyValueStore } from './create-redis';

export type CacheOutcome = 'hit' | 'miss';

export interface JsonCacheOptions<T> {
  store: KeyValueStore;
  /** Names the cache in its keys: `<prefix>:<key>` (the store adds the service's own prefix). */
  prefix: string;
  /** How long a value may be served; 0 turns the cache off (every read loads). */
  ttlSeconds: number;
  /** Turns parsed JSON back into a value (dates arrive as strings). */
  revive?: (json: unknown) => T;
  /** Told the outcome of the keys of each lookup (metrics). */
  onLookup?: (outcome: CacheOutcome, keys: number) => void;
  /**
   * Told when an invalidation failed (Redis down) and whether it will be retried. Called in the
   * writer's async context, so a logger there can name the request.
   */
  onInvalidationFailed?: (error: Error, keys: string[], willRetry: boolean) => void;
  /** First delay between retries of a failed invalidation (doubling up to 5 s). */
  retryDelayMs?: number;
}

export interface JsonCache<T> {
  /**
   * The values of `keys`, in order. Those not cached are loaded by one call of `load` and
   * stored; a key `load` leaves out is undefined (absence is not cached).
   */
  getMany(keys: readonly string[], load: (missing: string[]) => Promise<Map<string, T>>): Promise<(T | undefined)[]>;
  get(key: string, load: () => Promise<T | undefined>): Promise<T | undefined>;
  /**
   * Call after a write committed, before answering: no value read before it is served again,
   * including one a concurrent reader is storing right now. Never rejects: the write is
   * committed whatever happens here. When the store fails, the invalidation is retried in the
   * background until it succeeds or every entry it could hide has expired.
   */
  invalidate(...keys: string[]): Promise<void>;
}

interface Entry {
  /** The key's version when the value was read from the database. */
  v: string;
  d: unknown;
}

/** Version of a key that was never invalidated (or whose version mark has expired). */
const initialVersion = '0';

/**
 * A read-through JSON cache over the key-value store (Redis, or a Map when embedded).
 *
 * Deleting on write is not enough: a reader that loaded the old row just before the write may
 * store it just after the delete. So each key has a version, changed by every invalidation; a
 * reader notes the version before it loads and stores its value under that version, and a
 * value is served only while its version is current. The version mark outlives any entry
 * written before it (twice the TTL plus a minute), so an expired mark cannot revive one.
 * Never uses KEYS or SCAN: every key it touches is named.
 */
export function createJsonCache<T>(options: JsonCacheOptions<T>): JsonCache<T> {
  const { store, prefix, ttlSeconds } = options;
  const revive = options.revive ?? ((json: unknown) => json as T);
  const entryKey = (key: string) => `${prefix}:${key}`;
  const versionKey = (key: string) => `${prefix}:${key}:v`;
  const versionTtl = ttlSeconds * 2 + 60;

  const found = (version: string | null, raw: string | null): { version: string; value?: T } => {
    const current = version ?? initialVersion;
    if (raw === null) return { version: current };
    const entry = JSON.parse(raw) as Entry;
    return entry.v === current ? { version: current, value: revive(entry.d) } : { version: current };
  };
  const read = async (key: string): Promise<{ version: string; value?: T }> => {
    const [version, raw] = await Promise.all([store.get(versionKey(key)), store.get(entryKey(key))]);
    return found(version, raw);
  };
  type Found = { version: string | null; value?: T };
  const failed: Found = { version: null, value: undefined };
  /**
   * Every key's version and entry: in one command where the store can (a round trip, and a
   * socket write, instead of two per key), else two GETs per key. A store that fails is a miss,
   * not a failed request: the database can answer.
   */
  const readAll = async (keys: string[]): Promise<Found[]> => {
    if (!store.getMany) return Promise.all(keys.map((key) => read(key).catch(() => failed)));
    let values: (string | null)[];
    try {
      values = await store.getMany(keys.flatMap((key) => [versionKey(key), entryKey(key)]));
    } catch {
      return keys.map(() => failed);
    }
    return keys.map((_key, i) => {
      try {
        return found(values[2 * i], values[2 * i + 1]);
      } catch {
        return failed; // an entry that does not parse: this key alone is a miss
      }
    });
  };

  const getMany: JsonCache<T>['getMany'] = async (keys, load) => {
    if (ttlSeconds === 0 || keys.length === 0) {
      const loaded = keys.length > 0 ? await load([...new Set(keys)]) : new Map<string, T>();
      return keys.map((key) => loaded.get(key));
    }
    const unique = [...new Set(keys)];
    const lookups = await readAll(unique);
    const values = new Map<string, T>();
    const missing: { key: string; version: string | null }[] = [];
    unique.forEach((key, i) => {
      const { version, value } = lookups[i];
      if (value !== undefined) values.set(key, value);
      else missing.push({ key, version });
    });
    options.onLookup?.('hit', values.size);
    if (missing.length > 0) {
      options.onLookup?.('miss', missing.length);
      const loaded = await load(missing.map((m) => m.key));
      const fills: Promise<void>[] = [];
      for (const { key, version } of missing) {
        const value = loaded.get(key);
        if (value === undefined) continue;
        values.set(key, value);
        if (version !== null) fills.push(store.set(entryKey(key), JSON.stringify({ v: version, d: value } satisfies Entry), ttlSeconds));
      }
      await Promise.all(fills).catch(() => undefined);
    }
    return keys.map((key) => values.get(key));
  };

  return {
    getMany,
    get: async (key, load) =>
      (
        await getMany([key], async () => {
          const value = await load();
          return new Map(value === undefined ? [] : [[key, value]]);
        })
      )[0],
    // Also with the cache off here: other processes may have it on.
    invalidate: async (...keys) => {
      const unique = [...new Set(keys)];
      if (unique.length === 0) return;
      try {
        await bumpVersions(unique);
      } catch (error) {
        options.onInvalidationFailed?.(error as Error, unique, true);
        retryInvalidation(unique, Date.now() + versionTtl * 1000, options.retryDelayMs ?? 250);
      }
    },
  };

  async function bumpVersions(keys: string[]): Promise<void> {
    await Promise.all(keys.map((key) => store.set(versionKey(key), randomBytes(8).toString('hex'), versionTtl)));
    await store.del(...keys.map(entryKey));
  }

  /**
   * A value cached before the write may still be in the store (Redis was unreachable, not
   * emptied): bump the versions as soon as it answers. Past the deadline every entry written
   * before the write has expired by itself. Until then a stale value can be served, at most
   * for the cache's TTL, which is what the cache accepts anyway for a lost write.
   */
  function retryInvalidation(keys: string[], deadline: number, delayMs: number): void {
    const timer = setTimeout(() => {
      bumpVersions(keys).catch((error: Error) => {
        const willRetry = Date.now() < deadline;
        options.onInvalidationFailed?.(error, keys, willRetry);
        if (willRetry) retryInvalidation(keys, deadline, Math.min(delayMs * 2, 5_000));
      });
    }, delayMs);
    timer.unref();
  }
}
