import { currentRequestScope } from '@waitlessq/database';
import { cacheRequestsCounter } from '@waitlessq/observability';
import { createJsonCache, type JsonCache } from '@waitlessq/redis';
import type { ServiceRuntime } from './runtime';

/**
 * A read-through cache of a subgraph, in the runtime's Redis (a Map when embedded), with the
 * configured lifetime and its hits and misses counted as `wlq_cache_requests_total{cache}`.
 * What goes in must be public to whoever may read the key: filter after reading, never cache
 * one caller's view.
 */
export function createCache<T>(runtime: ServiceRuntime, name: string, revive?: (json: unknown) => T): JsonCache<T> {
  const counter = cacheRequestsCounter();
  return createJsonCache<T>({
    store: runtime.redis.store,
    prefix: `cache:${name}`,
    ttlSeconds: runtime.config.cache.ttlSeconds,
    revive,
    onLookup: (outcome, keys) => counter.inc({ cache: name, outcome }, keys),
    onInvalidationFailed: (error, keys, willRetry) =>
      runtime.logger.warn(
        { err: error, requestId: currentRequestScope()?.requestId, cache: name, keys, willRetry },
        willRetry ? 'could not invalidate a cache entry; retrying' : 'gave up invalidating a cache entry (it has expired by now)',
      ),
  });
}

/** Revives the Date columns of a row that went through JSON. */
export function reviveDates<T>(...columns: (keyof T & string)[]): (json: unknown) => T {
  return (json) => {
    const row = { ...(json as Record<string, unknown>) };
    for (const column of columns) if (typeof row[column] === 'string') row[column] = new Date(row[column] as string);
    return row as T;
  };
}
